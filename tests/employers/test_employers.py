"""用人单位: 组织部 registers employers, their staff and HR accounts; an account sees its own."""
import pytest
from sqlalchemy import select

from talent.auth.models import User
from talent.auth.operations import AccountError, create_user
from talent.employers import operations
from talent.employers.models import Employer
from talent.extensions import db
from tests.factories import TEST_PASSWORD, EmployerFactory, TalentFactory


def test_org_creates_an_employer_staff_and_an_account(client, auth):
    auth.login_as("org")
    response = client.post("/employers/new", data={
        "name": "双牌县人民医院", "kind": "institution", "uscc": "", "contact": "李主任", "phone": "",
        "active": "y"})
    assert response.status_code == 302
    employer = db.session.scalar(select(Employer).where(Employer.name == "双牌县人民医院"))
    talent = TalentFactory()
    db.session.commit()
    added = client.post(f"/employers/{employer.id}/staff", data={"talent_id": str(talent.id)})
    assert added.status_code == 302
    assert operations.employer_of(talent.id).id == employer.id
    missing = client.post(f"/employers/{employer.id}/staff", data={"talent_id": "99999999"})
    assert missing.status_code == 422 and "没有这个人才编号" in missing.get_data(as_text=True)
    made = client.post(f"/employers/{employer.id}/accounts", data={
        "username": "rmyy-hr", "display_name": "人事科", "password": "Hospital-2026"})
    assert made.status_code == 302
    account = db.session.scalar(select(User).where(User.username == "rmyy-hr"))
    assert account.role == "employer" and account.employer_id == employer.id
    duplicate = client.post("/employers/new", data={"name": "双牌县人民医院", "kind": "institution"},
                            follow_redirects=True)
    assert "已有同名的用人单位" in duplicate.get_data(as_text=True)
    assert len(operations.employers()) == 1


def test_an_employer_account_sees_its_staff_only(client, auth):
    account = auth.login_as("employer")
    mine, theirs = TalentFactory(), TalentFactory()
    operations.set_employment(None, mine, db.session.get(Employer, account.employer_id))
    operations.set_employment(None, theirs, EmployerFactory())
    db.session.commit()
    page = client.get("/employer").get_data(as_text=True)
    assert mine.name in page and f"{theirs.name}</li>" not in page.replace(f"{mine.name}</li>", "")
    assert client.get("/employers").status_code == 403


def test_an_employer_account_needs_an_employer(app):
    with pytest.raises(AccountError, match="用人单位"):
        create_user(None, "hr-without", TEST_PASSWORD, "employer")


def test_create_user_command_binds_the_employer(app, runner):
    employer = EmployerFactory()
    db.session.commit()
    ok = runner.invoke(args=["create-user", "zmqy-hr", "--role", "employer",
                             "--employer-id", str(employer.id), "--password", "Abcdefg123"])
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User.employer_id).where(User.username == "zmqy-hr")) == employer.id
    wrong_role = runner.invoke(args=["create-user", "x-hr", "--role", "org",
                                     "--employer-id", str(employer.id), "--password", "Abcdefg123"])
    assert wrong_role.exit_code != 0 and "只用于 role=employer" in wrong_role.output
    missing = runner.invoke(args=["create-user", "y-hr", "--role", "employer", "--password", "Abcdefg123"])
    assert missing.exit_code != 0 and "用人单位" in missing.output
    unknown = runner.invoke(args=["create-user", "z-hr", "--role", "employer", "--employer-id", "999999",
                                  "--password", "Abcdefg123"])
    assert unknown.exit_code != 0 and "没有编号为 999999 的用人单位" in unknown.output


def test_stale_employer_edit_is_refused(client, auth):
    auth.login_as("org")
    employer = EmployerFactory()
    db.session.commit()
    client.post(f"/employers/{employer.id}", data={"name": "新名称一", "kind": "enterprise",
                                                   "version": str(employer.version)})
    response = client.post(f"/employers/{employer.id}", data={"name": "新名称二", "kind": "enterprise",
                                                              "version": "1"}, follow_redirects=True)
    assert "已被他人修改" in response.get_data(as_text=True)
    db.session.refresh(employer)
    assert employer.name == "新名称一"
