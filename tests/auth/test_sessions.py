"""Sessions that really end (password change/reset, disabling, 退出所有设备) and a sign-in lock
that cannot be turned against the account's owner."""
import pytest
from sqlalchemy import select

from talent.auth import operations
from talent.auth.models import User
from talent.core import ratelimit
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.factories import TEST_PASSWORD


def _signed_in(app, username: str, password: str = TEST_PASSWORD, address: str = "127.0.0.1"):
    """A separate browser, signed in through the real form."""
    browser = app.test_client()
    response = browser.post("/login", data={"username": username, "password": password},
                            environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert browser.get("/").status_code in (200, 302)
    assert _is_signed_in(browser)
    return browser


def _is_signed_in(browser) -> bool:
    return browser.get("/account/password").status_code == 200


def _token(client, username: str, password: str = TEST_PASSWORD) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _token_works(client, headers) -> bool:
    return client.get("/api/v1/cards/1", headers=headers).status_code != 401


@pytest.fixture
def clerk(make_user):
    user = make_user("org", username="clerk")
    db.session.commit()
    return user


def test_admin_password_reset_ends_the_users_sessions_and_tokens(app, client, clerk, make_user):
    browser = _signed_in(app, "clerk")
    token = _token(client, "clerk")
    admin = make_user("admin")
    one_time = operations.issue_one_time_password(admin, clerk)
    db.session.commit()
    assert not _is_signed_in(browser)
    assert not _token_works(client, token)
    assert _is_signed_in(_signed_in(app, "clerk", one_time))


def test_own_password_change_ends_other_sessions_but_keeps_this_one(app, clerk):
    here, elsewhere = _signed_in(app, "clerk"), _signed_in(app, "clerk")
    changed = here.post("/account/password", data={"current": TEST_PASSWORD, "password": "NewPass123",
                                                   "confirm": "NewPass123"})
    assert changed.status_code == 302
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)


def test_disabling_ends_sessions_and_re_enabling_does_not_revive_them(app, client, clerk, make_user):
    browser = _signed_in(app, "clerk")
    token = _token(client, "clerk")
    admin = make_user("admin")
    operations.set_active(admin, clerk, False)
    db.session.commit()
    assert not _is_signed_in(browser)
    operations.set_active(admin, clerk, True)
    db.session.commit()
    assert not _is_signed_in(browser)
    assert not _token_works(client, token)


def test_end_all_sessions(app, client, clerk):
    here, elsewhere = _signed_in(app, "clerk"), _signed_in(app, "clerk")
    token = _token(client, "clerk")
    assert _token_works(client, token)
    response = here.post("/account/sessions/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _is_signed_in(here) and not _is_signed_in(elsewhere)
    assert not _token_works(client, token)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "end_sessions"))
    assert entry.object_id == clerk.id
    assert _is_signed_in(_signed_in(app, "clerk"))


def test_admin_can_sign_a_user_out_everywhere(app, client, clerk, auth):
    browser = _signed_in(app, "clerk")
    token = _token(client, "clerk")
    admin = auth.login_as("admin")
    assert client.post(f"/admin/users/{clerk.id}/sessions/end").status_code == 302
    assert not _is_signed_in(browser) and not _token_works(client, token)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "end_sessions"))
    assert (entry.actor_id, entry.object_id) == (admin.id, clerk.id)
    assert _is_signed_in(client)  # the admin's own session is untouched


def test_a_cookie_without_the_session_generation_is_refused(client, clerk):
    with client.session_transaction() as session:
        session["_user_id"] = str(clerk.id)  # the form cookies had before generations
    assert not _is_signed_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = clerk.get_id()
    assert _is_signed_in(client)


def test_sign_in_starts_a_new_session(client, clerk):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-before-sign-in"
        session["something"] = "else"
    assert client.post("/login", data={"username": "clerk", "password": TEST_PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-before-sign-in"
        assert "something" not in session
        assert session["_user_id"] == f"{clerk.id}:{clerk.session_generation}"


# --- lock-out without denial of service ---------------------------------------------------------

def _attempt(client, username, password, address="10.1.1.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_owner_signs_in_from_another_client_while_an_attacker_is_locked_out(client, clerk):
    for _ in range(6):
        _attempt(client, "clerk", "wrong-pass1", "10.6.6.6")
    assert "登录失败次数过多" in _attempt(client, "clerk", TEST_PASSWORD, "10.6.6.6").get_data(as_text=True)
    assert _attempt(client, "clerk", TEST_PASSWORD, "10.1.2.3").status_code == 302


def test_unknown_and_known_usernames_get_the_same_answers(client, clerk):
    for name in ("clerk", "no-such-user"):
        answers = []
        for _ in range(6):
            body = _attempt(client, name, "wrong-pass1").get_data(as_text=True)
            answers.append("用户名或密码错误" if "用户名或密码错误" in body
                           else "wait" if "登录失败次数过多，请 1 分钟后再试" in body else body[-300:])
        assert answers == ["用户名或密码错误"] * 4 + ["wait", "wait"], name


def test_back_off_doubles_after_each_further_failure(app, client, clerk):
    pair = "clerk|10.1.1.1"
    for _ in range(5):
        _attempt(client, "clerk", "wrong-pass1")
    with app.test_request_context():
        assert 50 < ratelimit.remaining("login-lock", pair) <= 60
        ratelimit.forget("login-lock", pair)  # the minute has passed
    assert "请 2 分钟后再试" in _attempt(client, "clerk", "wrong-pass1").get_data(as_text=True)
    with app.test_request_context():
        assert 110 < ratelimit.remaining("login-lock", pair) <= 120
        ratelimit.forget("login-lock", pair)
    assert "请 4 分钟后再试" in _attempt(client, "clerk", "wrong-pass1").get_data(as_text=True)
    with app.test_request_context():
        ratelimit.forget("login-lock", pair)
    # the right password clears the count: the next mistake starts again from zero
    assert _attempt(client, "clerk", TEST_PASSWORD).status_code == 302
    client.post("/logout")
    assert "用户名或密码错误" in _attempt(client, "clerk", "wrong-pass1").get_data(as_text=True)


def test_sign_ins_failures_and_locks_are_audited_with_the_address(client, clerk):
    _attempt(client, "clerk", TEST_PASSWORD, "10.7.7.7")
    client.post("/logout", environ_base={"REMOTE_ADDR": "10.7.7.7"})
    for _ in range(5):
        _attempt(client, "ghost", "wrong-pass1", "10.8.8.8")
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry.action, []).append(entry)
    signed_in = by_action["sign_in"][0]
    assert (signed_in.actor_name, signed_in.object_id, signed_in.client) == ("clerk", clerk.id, "10.7.7.7")
    assert by_action["sign_out"][0].client == "10.7.7.7"
    failed = by_action["sign_in_failed"]
    assert len(failed) == 5 and {f.client for f in failed} == {"10.8.8.8"}
    assert all(f.summary.startswith("ghost") and f.object_id == 0 for f in failed)
    assert by_action["lock"][0].client == "10.8.8.8"
    assert db.session.get(User, clerk.id).last_login_at is not None
