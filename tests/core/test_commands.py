from sqlalchemy import func, select

from talent.auth.models import Unit, User
from talent.auth.units import TOWNS, UNITS
from talent.extensions import db
from talent.registry.models import Talent


def test_seed_is_idempotent(runner):
    assert "新增 0 个" in runner.invoke(args=["seed"]).output
    assert db.session.scalar(select(func.count(Unit.id))) == len(UNITS) + len(TOWNS)


def test_demo_loads_once_with_an_account_per_role(runner):
    first = runner.invoke(args=["demo", "--count", "12"])
    assert first.exit_code == 0, first.output
    assert db.session.scalar(select(func.count(Talent.id))) == 12
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"admin", "org", "unit", "commissioner", "talent", "employer", "leader"}
    assert "跳过" in runner.invoke(args=["demo"]).output
    assert db.session.scalar(select(func.count(Talent.id))) == 12


def test_demo_banner_shows_while_demo_accounts_exist(runner, client):
    runner.invoke(args=["demo", "--count", "3"])
    assert "演示环境" in client.get("/login").get_data(as_text=True)


def test_demo_refused_in_production(runner, app):
    app.config["PRODUCTION"] = True
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "生产环境" in result.output


def test_demo_account_cannot_sign_in_in_production(runner, app, client):
    runner.invoke(args=["demo", "--count", "3"])
    app.config["PRODUCTION"] = True
    response = client.post("/login", data={"username": "admin", "password": "Demo2026!"})
    assert "生产环境不允许使用演示账户" in response.get_data(as_text=True)


def test_create_user_command(runner):
    ok = runner.invoke(args=["create-user", "kgxj01", "--role", "unit", "--unit", "县科工信局",
                             "--password", "Kgxj2026ok"])
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.username == "kgxj01"))
    assert user.unit.name == "县科工信局" and user.check_password("Kgxj2026ok")
    no_unit = runner.invoke(args=["create-user", "x1", "--role", "unit", "--password", "Abcdefg123"])
    assert no_unit.exit_code != 0 and "必须选择所属单位" in no_unit.output
    bad_unit = runner.invoke(args=["create-user", "x2", "--role", "unit", "--unit", "火星局",
                                   "--password", "Abcdefg123"])
    assert "没有名为" in bad_unit.output
    weak = runner.invoke(args=["create-user", "x3", "--role", "org", "--password", "123"])
    assert weak.exit_code != 0 and "密码至少8位" in weak.output
    dup = runner.invoke(args=["create-user", "kgxj01", "--role", "org", "--password", "Abcdefg123"])
    assert "用户名已存在" in dup.output
    no_talent = runner.invoke(args=["create-user", "t1", "--role", "talent", "--talent-id", "999",
                                    "--password", "Abcdefg123"])
    assert "没有编号为 999 的人才" in no_talent.output


def test_dashboard_figures(client, auth):
    from tests.factories import TalentFactory, TeamFactory

    auth.login_as("unit")
    TalentFactory(category="leading", field="healthcare", education="doctorate", source="introduced",
                  introduced_on=__import__("datetime").date(2024, 1, 1))
    TalentFactory(category="leading", field="bamboo_wood", education="master")
    TalentFactory(category="young", status="left")
    TalentFactory(nationality="US", id_type="passport", id_number="P7654321", category="engineer")
    TeamFactory()
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    import re

    def figure(label: str) -> str:
        return re.search(label + r'</div>\s*<div class="display-6">(\d+)<', page).group(1)

    assert (figure("在县人才"), figure("引进人才"), figure("外籍人才"), figure("人才团队"),
            figure("已离开")) == ("3", "1", "1", "1", "1")
    assert re.search(r"产业领军人才</span><span[^>]*>2<", page)
