"""Property-based test of the API against its own OpenAPI document (schemathesis + hypothesis),
with every check schemathesis has (``--checks all``) and a token of every role.

For every operation in /api/v1/openapi.json and every role, schemathesis generates requests
the document says are valid (and, for the negative checks, ones it says are invalid); every
response must pass every check: no 5xx, a documented status code, a documented content type
and headers, a body that matches its schema, valid data accepted (or refused only with a status
the document allows), invalid data rejected, ``Allow`` on 405, no access without credentials.

Kept small in `make test` (a few examples per operation and role, no example database,
derandomized: the same on every run, so CI does not turn red by chance); `make audit` sets
API_PROPERTY_RANDOM=1 and more examples (API_PROPERTY_EXAMPLES) to explore further. It found
the NUL-character 500 fixed in core/inputs.py. ``API_PROPERTY_REPORT=path`` writes the counts
per role (requests, statuses, failures) as JSON.
"""
import json
import os
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from talent.extensions import db
from tests.commissioners.world import commissioner_user, make_world
from tests.factories import TEST_PASSWORD, TalentFactory, UserFactory

EXAMPLES_PER_OPERATION = int(os.environ.get("API_PROPERTY_EXAMPLES", "3"))
RANDOM = os.environ.get("API_PROPERTY_RANDOM") == "1"
ROLES = ("admin", "org", "unit", "commissioner", "talent", "leader", "employer")


def _token(client, user) -> dict:
    db.session.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _users() -> dict:
    from talent.auth.units import unit_named

    world = make_world()
    return {
        "admin": UserFactory(role="admin"),
        "org": UserFactory(role="org"),
        "unit": UserFactory(role="unit", unit_id=unit_named("县科工信局").id),
        "commissioner": commissioner_user(world.commissioner),
        "talent": UserFactory(role="talent", talent_id=TalentFactory().id),
        "leader": UserFactory(role="leader"),
        "employer": UserFactory(role="employer"),  # bound to an employer of its own (factory)
    }


def _failures(error: BaseException) -> list:
    if isinstance(error, FailureGroup):
        return list(error.exceptions)
    return [error]


def _server_rules(operation) -> set[str]:
    """Request fields the document marks ``x-server-rule``: a checksum, a row that must exist,
    a rule between fields — what JSON Schema cannot state (core/formschema.py)."""
    definition = operation.definition.raw
    names = {p["name"] for p in definition.get("parameters", [])
             if p.get("schema", {}).get("x-server-rule")}
    body = (definition.get("requestBody") or {}).get("content", {}).get("application/json", {})
    for name, schema in (body.get("schema", {}).get("properties") or {}).items():
        if schema.get("x-server-rule"):
            names.add(name)
    return names


def _refused_for_a_documented_reason(operation, response) -> bool:
    """schemathesis's ``positive_data_acceptance``, made exact for this API: schema-valid data may
    be refused with 422 only for fields the document marks ``x-server-rule`` (anything else is
    a rule the schema should have said, e.g. a minLength the form enforces)."""
    if response.status_code != 422:
        return True
    try:
        fields = set(json.loads(response.text)["error"]["fields"])
    except (ValueError, KeyError, TypeError):
        return False
    return bool(fields) and fields <= _server_rules(operation)


def _probe(operation, headers, role, seen, failures):
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def probe(data):
        mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
        case = data.draw(operation.as_strategy(generation_mode=mode))
        response = case.call(headers=headers)
        seen[role][response.status_code] += 1
        problems = []
        try:
            case.validate_response(response, headers=headers,
                                   excluded_checks=[positive_data_acceptance])
        except (Exception, BaseExceptionGroup) as error:
            problems = [getattr(f, "title", type(f).__name__) for f in _failures(error)]
        if mode is GenerationMode.POSITIVE and not _refused_for_a_documented_reason(operation, response):
            problems.append("Schema-valid request rejected (not an x-server-rule field)")
        for title in problems:
            failures.append((role, case.method, case.formatted_path, title, response.status_code,
                             str(case.query or ""), str(case.body)[:120], response.text[:200]))

    return probe


def test_every_operation_passes_every_check_for_every_role(app, client):
    tokens = {role: _token(client, user) for role, user in _users().items()}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen = {role: Counter() for role in ROLES}
    failures: list = []
    for role in ROLES:
        for operation in operations:
            _probe(operation, tokens[role], role, seen, failures)()
    report = os.environ.get("API_PROPERTY_REPORT")
    if report:
        by_role = Counter(f[0] for f in failures)
        with open(report, "w", encoding="utf-8") as out:
            json.dump({role: {"requests": sum(seen[role].values()),
                              "statuses": dict(sorted(seen[role].items())),
                              "failures": by_role.get(role, 0)} for role in ROLES}
                      | {"failure_titles": dict(Counter(f[3] for f in failures)),
                         "failures": [list(map(str, f)) for f in failures]},
                      out, ensure_ascii=False, indent=1)
    # Every role must reach past 401/403 somewhere: a role seen only as refused tests nothing.
    for role in ROLES:
        assert sum(n for status, n in seen[role].items() if status not in (401, 403)) > 0, role
    assert failures == [], "\n".join(map(str, failures[:40]))
