"""忘记密码: the public page, one-time passwords from admin and 组织部, the forced change after."""
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from talent.auth import operations
from talent.auth.models import ApiToken, User
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD


def _one_time(html: str) -> str:
    return html.split('id="one-time-password">', 1)[1].split("<", 1)[0]


def _reset(client, account: User) -> str:
    response = client.post(f"/accounts/{account.id}/password-reset")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return _one_time(response.get_data(as_text=True))


def test_login_page_links_to_whom_to_ask(client, app):
    app.config["ORG_CONTACT_PHONE"] = "0746-7721234"
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    page = client.get("/password/forgot")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "县委组织部 人才工作股" in body and "0746-7721234" in body
    assert "只能由系统管理员重置" in body


def test_one_time_passwords_are_readable_strong_and_new_each_time():
    drawn = {operations.one_time_password() for _ in range(200)}
    assert len(drawn) == 200
    for password in drawn:
        assert re.fullmatch(r"[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}", password)
        assert len(password.replace("-", "")) >= 12
        operations.check_password_strength(password)  # letters and digits, long enough


def test_org_resets_a_talent_account_once_shown_never_stored(app, client, auth, make_user):
    talent = make_user("talent", username="lm.talent")
    db.session.commit()
    elsewhere = app.test_client()
    signed_in = elsewhere.post("/login", data={"username": "lm.talent", "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    db.session.add(ApiToken(user_id=talent.id, token_hash="t" * 64,
                            expires_at=datetime(2099, 1, 1)))
    clerk = auth.login_as("org")
    listed = client.get("/accounts?q=lm.").get_data(as_text=True)
    assert "lm.talent" in listed and f'href="/accounts/{talent.id}/password-reset"' in listed
    confirm = client.get(f"/accounts/{talent.id}/password-reset").get_data(as_text=True)
    assert "lm.talent" in confirm and "生成一次性密码" in confirm

    password = _reset(client, talent)
    db.session.refresh(talent)
    assert talent.must_change_password and talent.check_password(password)
    assert password not in talent.password_hash and not talent.check_password(TEST_PASSWORD)
    assert elsewhere.get("/me").status_code == 302  # the old session ended
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == talent.id)) is None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reset_password")).one()
    assert (entry.actor_id, entry.object_id) == (clerk.id, talent.id)
    assert password not in str(entry.changes) and password not in entry.summary
    # Not in the session cookie either (a flash would put it there, signed but readable).
    assert password not in (client.get_cookie("session").value if client.get_cookie("session") else "")


@pytest.mark.parametrize("role", ["admin", "unit", "org"])
def test_org_cannot_reset_staff_accounts(client, auth, make_user, role):
    target = make_user(role, username=f"staff-{role}")
    db.session.commit()
    auth.login_as("org")
    assert client.get(f"/accounts/{target.id}/password-reset").status_code == 403
    assert client.post(f"/accounts/{target.id}/password-reset").status_code == 403
    listed = client.get(f"/accounts?q=staff-{role}").get_data(as_text=True)
    assert "没有符合条件的账户" in listed and f"/accounts/{target.id}/" not in listed
    db.session.refresh(target)
    assert target.check_password(TEST_PASSWORD) and not target.must_change_password


def test_admin_resets_any_account_but_not_their_own(client, auth, make_user):
    admin = auth.login_as("admin")
    clerk = make_user("unit", username="wjj.clerk")
    db.session.commit()
    assert "重置密码" in client.get(f"/admin/users/{clerk.id}/edit").get_data(as_text=True)
    password = _reset(client, clerk)
    db.session.refresh(clerk)
    assert clerk.check_password(password) and clerk.must_change_password
    own = client.post(f"/accounts/{admin.id}/password-reset", follow_redirects=True)
    assert "不能为自己重置密码" in own.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.check_password(TEST_PASSWORD) and not admin.must_change_password
    assert client.get("/accounts/999999/password-reset").status_code == 404
    assert client.post("/accounts/999999/password-reset").status_code == 404


def test_reset_button_needs_its_csrf_token(database_url, make_user):
    protected = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    make_user("org", username="csrf-org")
    talent = make_user("talent")
    db.session.commit()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      protected.get("/login").get_data(as_text=True)).group(1)
    protected.post("/login", data={"username": "csrf-org", "password": TEST_PASSWORD, "csrf_token": token})
    assert protected.post(f"/accounts/{talent.id}/password-reset").status_code == 400
    db.session.refresh(talent)
    assert not talent.must_change_password


@pytest.fixture
def reset_talent(make_user):
    """A talent account just given a one-time password by 组织部: (user, password)."""
    talent = make_user("talent", username="reset.me")
    clerk = make_user("org")
    password = operations.issue_one_time_password(clerk, talent)
    db.session.commit()
    return talent, password


def test_forced_change_end_to_end(client, auth, reset_talent):
    talent, password = reset_talent
    signed_in = auth.login("reset.me", password)
    assert signed_in.status_code == 302 and signed_in.location.endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    assert "设置新密码" in page and "当前密码" not in page
    for path in ("/", "/me", "/me/dynamic-code", "/notifications"):
        held = client.get(path)
        assert held.status_code == 302 and held.location.endswith("/account/password"), path
    assert client.post("/me/corrections", data={"text": "x"}).location.endswith("/account/password")

    for data, message in [({}, "请输入新密码"),
                          ({"password": "Abcdef123", "confirm": ""}, "请再次输入新密码"),
                          ({"password": "Abcdef123", "confirm": "Abcdef124"}, "两次输入的新密码不一致"),
                          ({"password": "abc", "confirm": "abc"}, "密码至少8位"),
                          ({"password": "abcdefghij", "confirm": "abcdefghij"}, "须同时包含字母和数字")]:
        refused = client.post("/account/password", data=data)
        assert refused.status_code == 200 and message in refused.get_data(as_text=True), data
    db.session.refresh(talent)
    assert talent.must_change_password

    done = client.post("/account/password", data={"password": "MyOwn2026pw", "confirm": "MyOwn2026pw"})
    assert done.status_code == 302 and done.location == "/"
    db.session.refresh(talent)
    assert not talent.must_change_password and talent.check_password("MyOwn2026pw")
    assert client.get("/me").status_code == 200
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == talent.id,
                                                              AuditEntry.object_type == "users")
                              ).all()[-1] == "change_password"


def test_one_time_password_works_once(app, client, auth, reset_talent):
    _talent, password = reset_talent
    assert auth.login("reset.me", password).location.endswith("/account/password")
    client.post("/logout")
    again = auth.login("reset.me", password)
    assert again.status_code == 200 and "用户名或密码错误" in again.get_data(as_text=True)


def test_one_time_password_expires_after_the_configured_hours(app, client, auth, make_user, clock):
    """Issue 19 item 10: a one-time password never expired."""
    clock(datetime(2027, 3, 1, 9, 0))
    app.config["ONE_TIME_PASSWORD_HOURS"] = 24
    talent = make_user("talent", username="late.one")
    auth.login_as("org")
    page = client.post(f"/accounts/{talent.id}/password-reset").get_data(as_text=True)
    assert "24 小时内有效" in page and "2027-03-02 09:00" in page
    password = _one_time(page)
    client.post("/logout")
    clock(datetime(2027, 3, 2, 9, 0))
    late = auth.login("late.one", password)
    assert late.status_code == 200 and "一次性密码已过期" in late.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "late.one", "password": password})
    assert api.status_code in (401, 403) and "已过期" in api.get_json()["error"]["message"]
    clock(datetime(2027, 3, 2, 8, 59))
    assert auth.login("late.one", password).location.endswith("/account/password")
    client.post("/account/password", data={"password": "MyOwn2026pw", "confirm": "MyOwn2026pw"})
    db.session.refresh(talent)
    assert talent.one_time_password_expires_at is None


def test_reset_pages_say_how_long_a_one_time_password_works(app, client, auth, make_user):
    app.config["ONE_TIME_PASSWORD_HOURS"] = 12
    talent = make_user("talent")
    auth.login_as("org")
    assert "12 小时内有效" in client.get(f"/accounts/{talent.id}/password-reset").get_data(as_text=True)
    assert "12 小时内有效" in client.get("/password/forgot").get_data(as_text=True)


def test_api_refuses_an_account_that_must_change_its_password(client, api_token, reset_talent):
    _talent, password = reset_talent
    refused = client.post("/api/v1/auth/token", json={"username": "reset.me", "password": password})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    assert "设置新密码" in refused.get_json()["error"]["message"]
    # A token the account held anyway (issued before the flag was set some other way) is refused too.
    headers = api_token("talent")
    user = db.session.scalar(select(User).order_by(User.id.desc()))
    user.must_change_password = True
    db.session.commit()
    held = client.get("/api/v1/service-requests", headers=headers)
    assert held.status_code == 403 and held.get_json()["error"]["code"] == "password_change_required"
    # The page sign-in still works with the one-time password the API did not use up.
    assert client.post("/login", data={"username": "reset.me", "password": password}).status_code == 302


def test_org_menu_has_reset_and_admin_menu_does_not_repeat_it(client, auth):
    auth.login_as("org")
    assert 'href="/accounts"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    auth.login_as("admin")
    assert 'href="/accounts"' not in client.get("/").get_data(as_text=True)


def test_cli_gives_a_forgotten_admin_a_one_time_password(runner, make_user):
    admin = make_user("admin", username="only.admin")
    db.session.commit()
    result = runner.invoke(args=["reset-password", "only.admin"])
    assert result.exit_code == 0, result.output
    password = re.search(r"一次性密码：(\S+)", result.output).group(1)
    db.session.refresh(admin)
    assert admin.check_password(password) and admin.must_change_password
    assert runner.invoke(args=["reset-password", "nobody"]).exit_code != 0


def test_reloading_the_result_page_does_not_void_the_password_just_read_out(client, auth, make_user):
    holder = make_user("talent")
    db.session.commit()
    auth.login_as("org")
    confirm = client.get(f"/accounts/{holder.id}/password-reset").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', confirm).group(1)
    first = client.post(f"/accounts/{holder.id}/password-reset", data={"version": str(version)})
    assert first.status_code == 200
    password = _one_time(first.get_data(as_text=True))
    again = client.post(f"/accounts/{holder.id}/password-reset", data={"version": str(version)})  # F5
    assert again.status_code == 409 and "之前显示的一次性密码仍然有效" in again.get_data(as_text=True)
    client.post("/logout")
    # read out over the phone and typed any way: upper case, no dashes, spaces
    typed = password.upper().replace("-", " ")
    signed_in = client.post("/login", data={"username": holder.username, "password": typed})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/account/password")


def test_the_one_time_password_cannot_become_the_password(client, auth, make_user):
    holder = make_user("talent")
    db.session.commit()
    auth.login_as("org")
    confirm = client.get(f"/accounts/{holder.id}/password-reset").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', confirm).group(1)
    page = client.post(f"/accounts/{holder.id}/password-reset", data={"version": str(version)})
    password = _one_time(page.get_data(as_text=True))
    client.post("/logout")
    client.post("/login", data={"username": holder.username, "password": password})
    kept = client.post("/account/password", data={"password": password, "confirm": password})
    assert kept.status_code == 200 and "新密码不能是一次性密码" in kept.get_data(as_text=True)


# --- passwords chosen by someone else (admin, 组织部) --------------------------------------------

def test_an_admin_typed_initial_password_must_be_changed_at_first_sign_in(client, auth):
    auth.login_as("admin")
    created = client.post("/admin/users/new", data={
        "username": "new.clerk", "display_name": "蒋丽华", "role": "org", "password": "Chushi2026"})
    assert created.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "new.clerk"))
    assert user.must_change_password
    client.post("/logout")
    # The API refuses it until the password is changed …
    refused = client.post("/api/v1/auth/token", json={"username": "new.clerk", "password": "Chushi2026"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    # … and the web sends it to the change-password page, nowhere else.
    assert auth.login("new.clerk", "Chushi2026").location.endswith("/account/password")
    assert client.get("/talents").location.endswith("/account/password")
    assert "初始密码" in client.get("/account/password").get_data(as_text=True)
    done = client.post("/account/password", data={"password": "Ziji2026new", "confirm": "Ziji2026new"})
    assert done.status_code == 302
    assert not db.session.get(User, user.id).must_change_password
    client.post("/logout")
    token = client.post("/api/v1/auth/token", json={"username": "new.clerk", "password": "Ziji2026new"})
    assert token.status_code == 200


def test_cli_create_user_keeps_the_password_unless_told_to_force_a_change(runner):
    kept = runner.invoke(args=["create-user", "cli.kept", "--role", "org", "--password", "Abcdefg123"])
    assert kept.exit_code == 0, kept.output
    forced = runner.invoke(args=["create-user", "cli.forced", "--role", "org", "--password", "Abcdefg123",
                                 "--must-change"])
    assert forced.exit_code == 0 and "首次登录须修改密码" in forced.output
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.like("cli.%")))}
    assert not users["cli.kept"].must_change_password
    assert users["cli.forced"].must_change_password


def test_org_opens_a_talents_portal_account_from_the_talent_page(client, auth):
    from tests.factories import TalentFactory

    auth.login_as("org")
    talent = TalentFactory(name="蒋丽华")
    db.session.commit()
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "开通个人账户" in page and f'value="rc{talent.id}"' in page
    done = client.post(f"/talents/{talent.id}/account", data={"username": "jianglihua"})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "已为 蒋丽华 开通个人账户" in text
    password = re.search(r'id="one-time-password">([^<]+)<', text).group(1)
    account = db.session.scalar(select(User).where(User.username == "jianglihua"))
    assert (account.role, account.talent_id, account.must_change_password) == ("talent", talent.id, True)
    again = client.post(f"/talents/{talent.id}/account", data={"username": "other.name"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已有个人账户 jianglihua" in again
    assert "开通个人账户</button>" not in again and "待本人设置密码" in again
    bad = client.post(f"/talents/{TalentFactory().id}/account", data={"username": "中文"},
                      follow_redirects=True).get_data(as_text=True)
    assert "用户名只能包含" in bad
    client.post("/logout")
    assert auth.login("jianglihua", password).location.endswith("/account/password")
    for role in ("unit", "talent"):
        auth.login_as(role)
        assert client.post(f"/talents/{talent.id}/account", data={"username": "x.y.z"}).status_code == 403
