"""A small commissioner world for tests: built through the operations, as the app builds it."""
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.cn import uscc as uscc_number

from talent.commissioners import operations
from talent.commissioners.assessment_models import Project
from talent.commissioners.models import Assignment, Commissioner, SelectionRound, ServiceLog, ServiceTarget
from talent.core.timeutil import today
from talent.extensions import db
from tests.factories import UserFactory, resident_id

_counter = iter(range(1, 10**6))


def valid_uscc(kind: str = "enterprise") -> str:
    body = f"{'93' if kind == 'cooperative' else '91'}431123MA4{next(_counter):06d}"
    return body + uscc_number.calc_check_digit(body)


def make_round(year: int | None = None, level: str = "county") -> SelectionRound:
    year = year or today().year
    return operations.create_round(None, {"year": year, "level": level,
                                          "name": f"{year}年{level}批次{next(_counter)}",
                                          "starts_on": date(year, 1, 1), "ends_on": None})


def make_commissioner(name: str = "陈立新", level: str = "county", round_=None, **values):
    base = {"name": name, "id_number": resident_id(), "phone": "13900000000",
            "employer": "双牌县农业农村局", "expertise": "果蔬栽培", "field": "modern_agriculture",
            "level": level, "three_regions": False, "talent_id": None,
            "round_id": round_.id if round_ else None, "status": "active"}
    return operations.create_commissioner(None, {**base, **values})


def make_target(name: str | None = None, kind: str = "cooperative", town: str = "江村镇"):
    return operations.create_target(None, {
        "name": name or f"双牌县测试专业合作社{next(_counter)}", "kind": kind,
        "uscc": valid_uscc(kind) if kind in ("enterprise", "cooperative") else None,
        "uscc_valid": True, "town_id": operations.town_by_name(town).id, "address": "",
        "contact": "唐建华", "phone": "13800000000"})


def make_assignment(commissioner, target, starts_on: date | None = None) -> Assignment:
    return operations.create_assignment(None, {
        "commissioner_id": commissioner.id, "target_id": target.id,
        "starts_on": starts_on or today() - timedelta(days=400), "ends_on": None,
        "needs": "脐橙黄龙病防控", "status": "active"})


def log_values(**values) -> dict:
    return {"served_on": today(), "kind": "guidance", "content": "现场指导修剪", "hours": 3.0,
            "trained_count": 0, "technologies": ["水肥一体化"], "location": "江村镇", **values}


def make_log(assignment, client_key: str | None = None, **values) -> ServiceLog:
    log, _created = operations.create_log(None, assignment, log_values(**values), client_key)
    return log


def login_session(client, user) -> None:
    """Sign ``user`` in on the test client (what the login form would leave in the session)."""
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def commissioner_user(commissioner: Commissioner, **kwargs):
    return UserFactory(role="commissioner", commissioner_id=commissioner.id, **kwargs)


@dataclass
class World:
    round: SelectionRound
    commissioner: Commissioner
    other: Commissioner
    target: ServiceTarget
    assignment: Assignment
    other_assignment: Assignment
    log: ServiceLog
    other_log: ServiceLog
    project: Project


def make_world() -> World:
    round_ = make_round()
    commissioner = make_commissioner("陈立新", round_=round_)
    other = make_commissioner("唐慧敏", round_=round_)
    target = make_target()
    assignment = make_assignment(commissioner, target)
    other_assignment = make_assignment(other, make_target(kind="enterprise", town="泷泊镇"))
    project = operations.create_project(None, {
        "name": "竹笋保鲜加工技术示范", "level": "provincial", "kind": "rural_revitalization",
        "year": today().year, "funding": 30.0, "commissioner_id": commissioner.id,
        "target_id": target.id, "status": "approved"})
    return World(round_, commissioner, other, target, assignment, other_assignment,
                 make_log(assignment), make_log(other_assignment), project)
