from sqlalchemy import select

from talent.auth.models import ApiToken, Unit, User
from talent.core.audit import AuditEntry
from talent.core.masking import mask_id_number_short
from talent.extensions import db
from tests.factories import TEST_PASSWORD, TalentFactory


def _unit_id(name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.name == name))


def test_admin_creates_unit_user(client, auth):
    auth.login_as("admin")
    response = client.post("/admin/users/new", data={
        "username": "zjj.jiang", "display_name": "蒋丽华", "role": "unit",
        "unit_id": str(_unit_id("县住建局")), "password": "Zjj2026abc"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "zjj.jiang"))
    assert user.unit.name == "县住建局"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "users",
                                                        AuditEntry.object_id == user.id))
    assert entry.changes["role"] == [None, "unit"]
    assert "password_hash" not in entry.changes


def test_user_form_bad_input(client, auth):
    auth.login_as("admin")
    body = client.post("/admin/users/new", data={"username": "中文 名", "role": "unit",
                                                 "password": "Abcdefg123"}).get_data(as_text=True)
    assert "用户名只能包含" in body
    no_unit = client.post("/admin/users/new", data={"username": "nounit", "role": "unit",
                                                    "password": "Abcdefg123"}).get_data(as_text=True)
    assert "必须选择所属单位" in no_unit
    bad_role = client.post("/admin/users/new", data={"username": "badrole", "role": "root",
                                                     "password": "Abcdefg123"}).get_data(as_text=True)
    assert "“root”不是有效的角色" in bad_role
    no_talent = client.post("/admin/users/new", data={"username": "talent1", "role": "talent",
                                                      "talent_id": "424242",
                                                      "password": "Abcdefg123"}).get_data(as_text=True)
    assert "没有这个人才编号" in no_talent
    assert db.session.scalar(select(User).where(User.username.in_(["nounit", "badrole", "talent1"]))) is None


def test_change_role_and_link_talent(client, auth, make_user):
    auth.login_as("admin")
    target = make_user("commissioner")
    talent = TalentFactory()
    db.session.commit()
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "username": target.username, "display_name": "李明", "role": "talent",
        "talent_id": str(talent.id)})
    assert response.status_code == 302
    db.session.refresh(target)
    assert (target.role, target.talent_id) == ("talent", talent.id)


def test_disable_and_reset_password(client, auth, make_user):
    admin = auth.login_as("admin")
    target = make_user("org")
    db.session.add(ApiToken(user_id=target.id, token_hash="x" * 64,
                            expires_at=__import__("datetime").datetime(2099, 1, 1)))
    db.session.commit()
    assert client.post(f"/admin/users/{target.id}/active").status_code == 302
    db.session.refresh(target)
    assert target.active is False
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == target.id)) is None
    done = client.post(f"/accounts/{target.id}/password-reset").get_data(as_text=True)
    one_time = done.split('id="one-time-password">', 1)[1].split("<", 1)[0]
    db.session.refresh(target)
    assert target.check_password(one_time) and not target.check_password(TEST_PASSWORD)
    assert target.must_change_password
    # an admin cannot lock themselves out
    client.post(f"/admin/users/{admin.id}/active")
    db.session.refresh(admin)
    assert admin.active is True


def test_user_list_search(client, auth, make_user):
    auth.login_as("admin")
    make_user("org", username="zhoumin", display_name="周敏")
    db.session.commit()
    assert "zhoumin" in client.get("/admin/users?q=周敏").get_data(as_text=True)
    assert "没有符合条件的用户" in client.get("/admin/users?q=无此人").get_data(as_text=True)


def test_audit_log_page_masks_ids(client, auth):
    auth.login_as("admin")
    talent = TalentFactory()
    db.session.flush()
    from talent.core import audit

    audit.record(None, "create", talent, audit.snapshot({"id_number": talent.id_number}))
    db.session.commit()
    page = client.get("/audit?object_type=talents").get_data(as_text=True)
    assert mask_id_number_short(talent.id_number) in page and talent.id_number not in page


def test_new_user_page_keeps_the_menu_defaults_to_the_least_role_and_places_errors(client, auth):
    auth.login_as("admin", display_name="系统管理员")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert 'id="signed-in-as"' in page and "用户管理" in page  # the navbar is the admin's
    assert '<option selected value="talent">' in page  # least powerful role by default
    body = client.post("/admin/users/new", data={"username": "shortpw", "role": "org",
                                                  "password": "abc"}).get_data(as_text=True)
    password_block = body.split('for="password"')[1].split("</div>")[0:3]
    assert any("密码至少8位" in part for part in password_block)
    assert 'value="abc"' in body  # not cleared
    username_block = body.split('for="username"')[1].split('for="display_name"')[0]
    assert "密码至少8位" not in username_block


def test_edit_user_header_names_the_admin_not_the_edited_account(client, auth, make_user):
    auth.login_as("admin", display_name="系统管理员")
    edited = make_user("talent", display_name="李明")
    db.session.commit()
    page = client.get(f"/admin/users/{edited.id}/edit").get_data(as_text=True)
    header = page.split('id="signed-in-as"')[1].split("</button>")[0]
    assert "系统管理员" in header and "李明" not in header
