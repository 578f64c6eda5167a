"""Walk every route for every role: the declared permission is what the server enforces."""
import re

import pytest

from talent.auth.models import User
from talent.core.permissions import Permission, Role, role_can
from talent.extensions import db
from tests.conftest import make_app
from tests.routes import example_ids

ROLES = [None, *[r.value for r in Role]]


def _routes():
    app = make_app("sqlite://")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            permission = app.view_functions[rule.endpoint].required_permission
            yield pytest.param(rule.rule, method, permission, id=f"{method} {rule.rule}")


ROUTES = list(_routes())


@pytest.fixture(scope="session")
def db_backend():
    return "sqlite"  # permissions do not depend on the engine


def test_every_route_declares_a_permission(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"
                  and not hasattr(app.view_functions[rule.endpoint], "required_permission")]
    assert undeclared == []


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), path)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("path", "method", "permission"), ROUTES)
def test_route_answers_each_role(client, auth, api_token, role, path, method, permission):
    url_is_api = path.startswith("/api/")
    headers, user = {}, None
    if role is not None:
        if url_is_api:
            headers = api_token(role)
            user = db.session.scalar(db.select(User).order_by(User.id.desc()))
        else:
            user = auth.login_as(role)
    ids = example_ids(user, role)
    db.session.commit()
    url = _fill(path, ids)
    is_api = url_is_api
    response = client.open(url, method=method, headers=headers,
                           json={} if is_api and method != "GET" else None)
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:500]
    if permission is Permission.PUBLIC:
        assert status not in (401, 403)
    elif role is None:
        if is_api:
            assert status == 401
        else:
            assert status == 302 and "/login" in response.headers["Location"]
    elif role_can(role, permission):
        assert status not in (401, 403)
    else:
        assert status == 403


def test_ids_too_large_for_the_database_are_404(client, auth, api_token):
    huge = 2**70
    headers = api_token("org")
    assert client.get(f"/api/v1/cards/{huge}/qr.png", headers=headers).status_code == 404
    assert client.get(f"/api/v1/talents/{huge}", headers=headers).status_code == 404
    auth.login_as("org")
    assert client.get(f"/talents/{huge}").status_code == 404
    assert client.get("/talents?page=949951193367").status_code == 200
