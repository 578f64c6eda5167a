"""Commissioner operations: one post per person, idempotent logs, confirmation, figures, metrics."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from talent.auth.models import Unit
from talent.commissioners import choices, operations
from talent.commissioners.models import Commissioner, ServiceLog, Town
from talent.core.audit import AuditEntry
from talent.core.errors import Refused
from talent.core.features import metric
from talent.core.timeutil import today
from talent.extensions import db
from talent.notifications.models import Notification
from tests.commissioners.world import (
    commissioner_user,
    log_values,
    make_assignment,
    make_commissioner,
    make_log,
    make_round,
    make_target,
    make_world,
)
from tests.factories import TalentFactory, UserFactory, resident_id


def test_towns_of_shuangpai_are_seeded_once(app):
    names = list(db.session.scalars(select(Town.name).order_by(Town.sort_order)))
    assert names == [name for name, _kind in choices.TOWNS]
    assert len(names) == 12 and "上梧江瑶族乡" in names and "阳明山管理局" in names
    assert operations.seed_towns() == 0


def test_one_active_post_per_id_number_and_per_talent(app):
    number = resident_id()
    first = make_commissioner("陈立新", id_number=number)
    with pytest.raises(Refused) as refused:
        make_commissioner("陈立新", id_number=number)
    assert refused.value.status == 409 and "id_number" in refused.value.fields
    talent = TalentFactory()
    make_commissioner("唐慧敏", talent_id=talent.id)
    with pytest.raises(Refused):
        make_commissioner("唐慧敏", talent_id=talent.id)
    # Once the first post has ended, the same person may be selected again.
    operations.update_commissioner(None, first, {"status": "ended"})
    again = make_commissioner("陈立新", id_number=number)
    assert again.id != first.id


def test_the_database_itself_refuses_a_second_active_post(app):
    number = resident_id()
    make_commissioner("陈立新", id_number=number)
    db.session.add(Commissioner(name="陈立新", id_number=number, field="other", level="county",
                                status="active"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_create_commissioner_with_account_links_it(app):
    commissioner = operations.create_commissioner(None, {
        "name": "何秀英", "id_number": None, "phone": "", "employer": "县茶叶中心", "expertise": "",
        "field": "modern_agriculture", "level": "county", "three_regions": True, "talent_id": None,
        "round_id": None, "status": "active"}, account={"username": "hexy", "password": "Field2026x"})
    account = operations.account_of(commissioner)
    assert account.username == "hexy" and account.role == "commissioner"
    with pytest.raises(Refused) as refused:
        operations.create_account(None, commissioner, "hexy2", "short")
    assert "password" in refused.value.fields


def test_same_client_key_gives_back_the_first_log(app):
    world = make_world()
    first, created = operations.create_log(None, world.assignment, log_values(), "key-1")
    again, created_again = operations.create_log(None, world.assignment,
                                                 log_values(content="重复提交"), "key-1")
    assert created and not created_again and again.id == first.id
    assert again.content == "现场指导修剪"
    # The key is per commissioner: another commissioner's same key is a different log.
    theirs, created_theirs = operations.create_log(None, world.other_assignment, log_values(),
                                                   "key-1")
    assert created_theirs and theirs.id != first.id
    count = db.session.scalar(select(func.count()).select_from(ServiceLog)
                              .where(ServiceLog.client_key == "key-1"))
    assert count == 2


def test_log_outside_the_assignment_period_is_refused(app):
    world = make_world()
    with pytest.raises(Refused) as refused:
        operations.create_log(None, world.assignment,
                              log_values(served_on=world.assignment.starts_on - timedelta(days=1)))
    assert refused.value.status == 422 and "served_on" in refused.value.fields


def test_confirmed_log_is_locked_and_returned_log_goes_back_to_pending(app):
    world = make_world()
    clerk = UserFactory(role="unit")
    owner = commissioner_user(world.commissioner)
    operations.return_log(clerk, world.log, "请补充培训人数")
    assert world.log.status == "returned"
    assert db.session.scalar(select(Notification.title).where(Notification.user_id == owner.id))
    operations.update_log(owner, world.log, log_values(trained_count=30))
    assert world.log.status == "submitted" and world.log.trained_count == 30
    with pytest.raises(Refused) as stale:
        operations.update_log(owner, world.log, log_values(trained_count=31), version=1)
    assert stale.value.status == 409
    operations.confirm_log(clerk, world.log)
    assert world.log.confirmed and world.log.confirmed_by_id == clerk.id
    with pytest.raises(Refused):
        operations.update_log(owner, world.log, log_values(content="改"))
    with pytest.raises(Refused):
        operations.return_log(clerk, world.log, "晚了")
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "service_logs", AuditEntry.object_id == world.log.id)))
    assert {"create", "return", "update", "confirm"} <= actions


def test_visibility_staff_all_commissioner_own_other_units_refused(app):
    world = make_world()
    owner = commissioner_user(world.commissioner)
    clerk = UserFactory(role="unit")
    org = UserFactory(role="org")
    housing = UserFactory(role="unit", unit_id=db.session.scalar(
        select(Unit.id).where(Unit.name == "县住建局")))
    assert operations.load_visible(owner, ServiceLog, world.other_log.id) is None
    assert operations.load_visible(owner, ServiceLog, world.log.id) is world.log
    assert operations.load_visible(clerk, ServiceLog, world.other_log.id) is world.other_log
    assert operations.load_visible(org, ServiceLog, world.other_log.id) is world.other_log
    assert operations.can_manage(clerk) and not operations.can_manage(org)
    with pytest.raises(Forbidden):
        operations.visible_to(housing, ServiceLog)
    unlinked = UserFactory(role="commissioner")
    assert db.session.scalar(operations.visible_to(unlinked, ServiceLog)) is None


def test_year_figures_count_confirmed_logs_and_distinct_days(app):
    world = make_world()
    clerk = UserFactory(role="unit")
    year = today().year
    day = date(year, 1, 1) if today() > date(year, 1, 1) else today()
    second = make_target(kind="enterprise")
    other_assignment = make_assignment(world.commissioner, second)
    logs = [
        make_log(world.assignment, served_on=day, hours=3, trained_count=20,
                 technologies=["水肥一体化", "绿色防控"]),
        make_log(other_assignment, served_on=day, hours=2.5, technologies=["绿色防控"]),
    ]
    for log in [*logs, world.log]:
        operations.confirm_log(clerk, log)
    make_log(world.assignment, served_on=day)  # not confirmed: counted as pending only
    figures = operations.year_figures(year, [world.commissioner.id])[world.commissioner.id]
    assert figures.logs == 3
    assert figures.days == len({day, today()})
    assert figures.hours == pytest.approx(8.5)
    assert figures.trained == 20
    assert figures.technologies == {"水肥一体化", "绿色防控"}
    assert figures.projects == 1 and figures.pending == 1
    rows = {c.id: (f, a) for c, f, a in operations.assessment_rows(year)}
    assert rows[world.other.id][0].logs == 0


def test_grade_is_recorded_once_per_year_and_audited(app):
    world = make_world()
    clerk = UserFactory(role="unit")
    first = operations.grade(clerk, world.commissioner, 2026, "fail", "")  # as the rules suggest
    second = operations.grade(clerk, world.commissioner, 2026, "excellent", "服务天数多")
    assert first.id == second.id and second.grade == "excellent"
    entries = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "commissioner_assessments").order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["grade", "grade"]
    assert entries[-1].changes["grade"] == ["fail", "excellent"]


def test_metrics_for_the_task_tracker(app):
    year = today().year
    county_round = make_round(year, "county")
    make_commissioner("甲", round_=county_round)
    make_commissioner("乙", round_=county_round)
    make_commissioner("丙", level="provincial", round_=make_round(year, "provincial"))
    make_commissioner("丁", round_=make_round(year - 1, "county"))
    assert operations.county_selected(year) == 2
    assert metric("commissioners.county_selected").compute(year) == 2

    world = make_world()  # one approved provincial rural-revitalization project this year
    operations.create_project(None, {
        "name": "申报中的项目", "level": "provincial", "kind": "rural_revitalization",
        "year": year, "funding": 0, "commissioner_id": world.commissioner.id, "target_id": None,
        "status": "applied"})
    assert operations.provincial_projects(year) == 1
    assert metric("commissioners.provincial_projects").compute(year - 1) == 0

    # world: a cooperative and an enterprise each have a log this year; a village does not count.
    village = make_target(kind="village", town="茶林镇")
    make_log(make_assignment(world.commissioner, village))
    assert operations.targets_served(year) == 2
    operations.return_log(None, world.other_log, "重写")
    assert operations.targets_served(year) == 1


def test_idle_commissioners_and_unserved_targets(app):
    world = make_world()
    assert operations.idle_commissioners().value == 0
    make_commissioner("无日志")
    make_target(town="理家坪乡")
    assert operations.idle_commissioners().value == 1
    assert operations.unserved_targets().value == 1
    idle_towns = {t.name for t in operations.towns_without_assignment()}
    assert "江村镇" not in idle_towns and "理家坪乡" in idle_towns
    assert world.target.town.name == "江村镇"
