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
from schemathesis.core.failures import FailureGroup

from talent.extensions import db
from tests.commissioners.world import commissioner_user, make_world
from tests.factories import TEST_PASSWORD, TalentFactory, UserFactory

EXAMPLES_PER_OPERATION = int(os.environ.get("API_PROPERTY_EXAMPLES", "3"))
RANDOM = os.environ.get("API_PROPERTY_RANDOM") == "1"
ROLES = ("admin", "org", "unit", "commissioner", "talent")


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
    }


def _failures(error: BaseException) -> list:
    if isinstance(error, FailureGroup):
        return list(error.exceptions)
    return [error]


def _probe(operation, headers, role, seen, failures):
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def probe(data):
        case = data.draw(operation.as_strategy())
        response = case.call(headers=headers)
        seen[role][response.status_code] += 1
        try:
            case.validate_response(response, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 — one check failure or a group
            for failure in _failures(error):
                title = getattr(failure, "title", type(failure).__name__)
                failures.append((role, case.method, operation.path, title, response.status_code,
                                 str(case.query or ""), str(case.body)[:120],
                                 response.text[:160]))

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
                      | {"failure_titles": dict(Counter(f[3] for f in failures))},
                      out, ensure_ascii=False, indent=1)
    # Every role must reach past 401/403 somewhere: a role seen only as refused tests nothing.
    for role in ROLES:
        assert sum(n for status, n in seen[role].items() if status not in (401, 403)) > 0, role
    assert failures == [], "\n".join(map(str, failures[:40]))
