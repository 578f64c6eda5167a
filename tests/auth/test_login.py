from talent.auth.models import User
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.factories import TEST_PASSWORD


def test_login_and_logout(client, auth, make_user):
    make_user("org", username="zhoumin")
    db.session.commit()
    response = auth.login("zhoumin")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert "工作台" in page.get_data(as_text=True)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, make_user):
    make_user("org", username="zhoumin")
    db.session.commit()
    response = auth.login("zhoumin", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    unknown = auth.login("nobody", "whatever1")
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_empty_login_form_shows_field_errors(client):
    response = client.post("/login", data={})
    body = response.get_data(as_text=True)
    assert "请输入用户名" in body and "请输入密码" in body


def test_five_failures_make_that_client_wait_for_that_account(client, auth, make_user):
    make_user("org", username="locked")
    db.session.commit()
    for _ in range(4):
        assert "用户名或密码错误" in auth.login("locked", "bad-pass1").get_data(as_text=True)
    fifth = auth.login("locked", "bad-pass1").get_data(as_text=True)
    assert "登录失败次数过多，请 1 分钟后再试" in fifth
    # even the right password waits, from this client
    right = auth.login("locked", TEST_PASSWORD)
    assert right.status_code == 200
    assert "登录失败次数过多" in right.get_data(as_text=True)
    user = db.session.scalar(db.select(User).where(User.username == "locked"))
    assert user.locked_until is not None
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "lock")) is not None


def test_lock_expires(client, auth, make_user, app):
    from datetime import timedelta

    from talent.core.timeutil import utcnow

    user = make_user("org", username="was-locked")
    user.locked_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert auth.login("was-locked").status_code == 302


def test_disabled_account_cannot_sign_in(client, auth, make_user):
    make_user("org", username="gone", active=False)
    db.session.commit()
    assert "已停用" in auth.login("gone").get_data(as_text=True)


def test_next_redirect_stays_on_site(client, make_user):
    make_user("org", username="nexty")
    db.session.commit()
    for target, expected in [("/talents", "/talents"), ("https://evil.example/", "/"),
                             ("//evil.example/x", "/"), ("/\\evil.example", "/")]:
        response = client.post(f"/login?next={target}",
                               data={"username": "nexty", "password": TEST_PASSWORD})
        assert response.headers["Location"] == expected, target
        client.post("/logout")


def test_anonymous_page_redirects_to_login_with_next(client):
    response = client.get("/talents?q=李")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("org", username="cookie")
    db.session.commit()
    response = client.post("/login", data={"username": "cookie", "password": TEST_PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_change_own_password(client, auth):
    user = auth.login_as("unit")
    bad = client.post("/account/password", data={"current": "nope", "password": "abc", "confirm": "abc"})
    assert "当前密码不正确" in bad.get_data(as_text=True)
    weak = client.post("/account/password",
                       data={"current": TEST_PASSWORD, "password": "short", "confirm": "short"})
    assert "至少8位" in weak.get_data(as_text=True)
    mismatch = client.post("/account/password",
                           data={"current": TEST_PASSWORD, "password": "NewPass123", "confirm": "x"})
    assert "不一致" in mismatch.get_data(as_text=True)
    ok = client.post("/account/password",
                     data={"current": TEST_PASSWORD, "password": "NewPass123", "confirm": "NewPass123"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("NewPass123")


def test_one_client_failing_across_many_accounts_is_slowed(client, app, make_user):
    app.config["LOGIN_CLIENT_MAX_FAILURES"] = 3
    make_user("org", username="victim")
    db.session.commit()
    for name in ("a1", "a2", "a3"):  # a spray: one wrong password per account
        assert "用户名或密码错误" in client.post(
            "/login", data={"username": name, "password": "Password1"}).get_data(as_text=True)
    blocked = client.post("/login", data={"username": "victim", "password": TEST_PASSWORD})
    assert "该终端登录失败次数过多" in blocked.get_data(as_text=True)
    assert client.post("/api/v1/auth/token",
                       json={"username": "victim", "password": TEST_PASSWORD}).status_code == 401
    other = client.post("/login", data={"username": "victim", "password": TEST_PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.20.30.40"})
    assert other.status_code == 302


def test_outside_the_tests_passwords_are_hashed_with_scrypt(app):
    """The tests hash with a cheap pbkdf2 (see conftest); the production default stays checked here."""
    app.config.pop("PASSWORD_HASH_METHOD")
    user = User(username="scrypt_check", role="org")
    user.set_password("Zhengque-mima-2026")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("Zhengque-mima-2026")
    assert not user.check_password("Zhengque-mima-2027")
