"""CSRF stays on here: forms and POST-only buttons are refused without a token."""
import re

import pytest

from talent.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, TalentFactory, UserFactory


@pytest.fixture
def csrf_client(app, database_url):
    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    return protected.test_client()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_without_token_is_refused(csrf_client):
    UserFactory(username="csrf-user")
    db.session.commit()
    response = csrf_client.post("/login", data={"username": "csrf-user", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "安全校验" in response.get_data(as_text=True)


def test_login_and_button_with_token_work(csrf_client):
    UserFactory(username="csrf-user", role="org")
    talent = TalentFactory()
    db.session.commit()
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    signed_in = csrf_client.post("/login", data={"username": "csrf-user", "password": TEST_PASSWORD,
                                                 "csrf_token": token})
    assert signed_in.status_code == 302
    assert csrf_client.post(f"/talents/{talent.id}/leave").status_code == 400
    page = csrf_client.get(f"/talents/{talent.id}").get_data(as_text=True)
    left = csrf_client.post(f"/talents/{talent.id}/leave", data={"csrf_token": _token(page)})
    assert left.status_code == 302
    db.session.refresh(talent)
    assert talent.status == "left"


def test_api_needs_no_csrf_token(csrf_client, database_url):
    UserFactory(username="api-csrf", role="org")
    db.session.commit()
    response = csrf_client.post("/api/v1/auth/token",
                                json={"username": "api-csrf", "password": TEST_PASSWORD})
    assert response.status_code == 200
