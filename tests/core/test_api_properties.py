"""Property-based test of the API against its own OpenAPI document (schemathesis + hypothesis).

For every operation in /api/v1/openapi.json, schemathesis generates requests that the document
says are valid (path ids, query parameters, JSON bodies); whatever it sends, the server must
answer without a 5xx, in JSON. Kept small (a few examples per operation, no example database)
so it runs in seconds on both backends. In `make test` the examples are derandomized (the same
on every run, so CI does not turn red by chance); `make audit` sets API_PROPERTY_RANDOM=1 and
more examples to explore further. It found the NUL-character 500 fixed in core/inputs.py.
"""
import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES_PER_OPERATION = int(os.environ.get("API_PROPERTY_EXAMPLES", "8"))
RANDOM = os.environ.get("API_PROPERTY_RANDOM") == "1"


def _content_type(response) -> str:
    for name, value in response.headers.items():
        if name.lower() == "content-type":
            return value[0] if isinstance(value, list) else value
    return ""


def _probe(operation, headers, failures):
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def probe(data):
        case = data.draw(operation.as_strategy())
        response = case.call(headers=headers)
        image = operation.path.endswith(".png") and response.status_code == 200
        if response.status_code >= 500 or not (image or "json" in _content_type(response)):
            failures.append((case.method, case.formatted_path, case.query, case.body,
                             response.status_code, response.text[:200]))

    return probe


def test_every_documented_operation_answers_without_a_server_error(app, api_token):
    headers = api_token("admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        _probe(operation, headers, failures)()
    assert failures == []
