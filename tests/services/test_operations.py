"""Filing, deadlines, moves, rating, the sweep and the figures — on the operations directly."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.core import features
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.notifications.models import Notification
from talent.services import operations as services
from talent.services.models import ServiceEvent, ServiceRequest
from tests.factories import TalentFactory
from tests.services.conftest import MONDAY, checked_png, file_housing, in_state, move, unit_user


def _notes(user):
    return list(db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_filing_numbers_deadline_routing_and_notification(people, today):
    first = file_housing(people, files=[checked_png()])
    second = file_housing(people)
    assert first.number == "FW-2026-000001" and second.number == "FW-2026-000002"
    assert first.unit.name == "县住建局" and first.status == "submitted"
    assert first.filed_on == MONDAY and first.accept_due_on == date(2026, 11, 4)
    assert first.deadline_on == first.accept_due_on and first.due_on is None
    assert not first.priority
    assert _notes(people.zjj)[0] == "新的服务申请 FW-2026-000001：住房保障"
    assert services.attachments_of(first)[0].filename == "户口簿.png"
    events = services.timeline(first, include_internal=False)
    assert [e.move for e in events] == ["file"]
    assert services.event_text(events[0]) == "提交申请，由县住建局办理"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "service_requests",
                                                      AuditEntry.object_id == first.id)).action == "create"


def test_card_holder_is_priority_and_card_only_type_refuses_others(people, today):
    holder = TalentFactory(education="doctorate", title_level="senior")
    card = cards.issue_card(None, holder)
    medical = services.type_by_code("medical")
    assert medical.card_holders_only
    req = services.file_request(people.org, holder, medical, "体检", "年度体检")
    assert req.priority and req.card_tier == card.tier
    benefit = services.related_benefit(req, req.card_tier)
    assert benefit.kind == "medical" and "绿色通道" in benefit.text
    assert [e.move for e in services.timeline(req, include_internal=True)] == ["file_for"]
    with pytest.raises(services.ServiceRefused, match="仅限持有有效泷泊英才VIP卡"):
        services.file_request(people.talent_user, people.talent, medical, "体检", "年度体检")


def test_completion_due_counts_from_acceptance_and_waiting_materials_extends_it(people, today):
    req = file_housing(people)  # Monday 2 November, housing limit 15 working days
    today.set(date(2026, 11, 3))
    move(people.zjj, req, "accept", "")
    assert req.accepted_on == date(2026, 11, 3)
    assert req.due_on == date(2026, 11, 24) and req.deadline_on == req.due_on
    today.set(date(2026, 11, 5))
    move(people.zjj, req, "ask_materials", "请补充租赁合同")
    assert req.status == "waiting_materials" and req.deadline_on is None
    today.set(date(2026, 11, 10))  # Thursday → Tuesday: Fri, Mon, Tue = 3 working days
    move(people.talent_user, req, "supply", "已上传")
    assert req.paused_days == 3 and req.due_on == date(2026, 11, 27) and req.status == "in_progress"
    today.set(date(2026, 11, 20))
    move(people.zjj, req, "complete", "已安排入住人才公寓3栋")
    assert req.on_time is True and req.deadline_on is None
    # filed Monday 2nd → Friday 20th is 14 working days, less 3 waiting for materials
    assert req.handling_days == 11


def test_late_acceptance_wins_no_extra_days(people, today):
    req = file_housing(people)  # acceptance due Wednesday 4 November
    today.set(date(2026, 11, 9))
    move(people.zjj, req, "accept", "")
    assert req.due_on == services.workdays.load().add(date(2026, 11, 4), 15)


def test_transfer_keeps_the_clock_and_lets_the_former_unit_read(people, today):
    req = file_housing(people)
    due = req.accept_due_on
    education = services.type_by_code("education").unit
    clerk = unit_user("县教育局")
    move(people.zjj, req, "transfer", "子女入学由教育局办理", unit_id=education.id)
    assert req.unit_id == education.id and req.accept_due_on == due and req.deadline_on == due
    assert _notes(clerk) == [f"转来服务申请 {req.number}：住房保障"]
    visible = lambda user: db.session.scalar(services.visible_to(user).where(ServiceRequest.id == req.id))  # noqa: E731
    assert visible(clerk) is req and visible(people.zjj) is req and visible(people.wjj) is None
    assert "handler" not in services.roles_of(people.zjj, req)
    with pytest.raises(services.NotYourRequest):
        move(people.zjj, req, "accept", "")
    last = services.timeline(req, include_internal=False)[-1]
    assert services.event_text(last) == "由县住建局转交县教育局办理"


def test_reopen_within_fifteen_days_only(people, today):
    req = in_state(people, "completed")
    today.set(MONDAY + timedelta(days=15))
    move(people.talent_user, req, "reopen", "问题没有解决")
    assert req.status == "in_progress" and req.reopen_count == 1
    assert req.due_on == services.workdays.load().add(today.day, 15)
    move(people.zjj, req, "complete", "已再次处理")
    today.set(today.day + timedelta(days=16))
    with pytest.raises(services.ServiceRefused, match="办结已超过15天"):
        move(people.talent_user, req, "reopen", "还是不行")


def test_rating_once_per_completion(people, today):
    req = in_state(people, "in_progress")
    with pytest.raises(services.ServiceRefused, match="办结后才能评价"):
        services.rate(people.talent_user, req, 5)
    move(people.zjj, req, "complete", "已办结")
    with pytest.raises(services.NotYourRequest):
        services.rate(people.zjj, req, 5)
    services.rate(people.talent_user, req, 4, "满意")
    assert req.rating == 4 and req.rating_comment == "满意"
    with pytest.raises(services.ServiceRefused, match="已评价"):
        services.rate(people.talent_user, req, 5)
    assert services.timeline(req, include_internal=False)[-1].note == "★★★★☆ 满意"


def test_stale_version_and_note_required(people, today):
    req = file_housing(people)
    with pytest.raises(services.StaleVersion, match="已被他人处理，请刷新"):
        services.transition(people.zjj, req, "accept", "", req.version - 1)
    with pytest.raises(services.ServiceRefused, match="请填写不予受理的理由"):
        services.transition(people.zjj, req, "reject", "  ", req.version)
    with pytest.raises(services.ServiceRefused, match="当前状态为“待受理”"):
        services.transition(people.zjj, req, "completed", "x", req.version)


def test_internal_notes_are_hidden_from_the_talent(people, today):
    req = file_housing(people)
    services.add_note(people.zjj, req, "申请人上月已领过补贴，注意核对", internal=True)
    services.add_note(people.zjj, req, "您好，已收到，正在核对房源", internal=False)
    talent_view = [e.note for e in services.timeline(req, include_internal=False)]
    assert "您好，已收到，正在核对房源" in talent_view
    assert not any("核对" in n and "补贴" in n for n in talent_view)
    assert len(services.timeline(req, include_internal=True)) == 3
    assert _notes(people.talent_user)[-1] == f"{req.number} 有新的回复"
    with pytest.raises(services.NotYourRequest):
        services.add_note(people.talent_user, req, "x", internal=True)


def test_overdue_and_due_soon_are_sql_conditions(people, today):
    late = file_housing(people)  # acceptance due Wednesday 4th
    soon = in_state(people, "accepted")  # due 23 November
    waiting = in_state(people, "waiting_materials")
    today.set(date(2026, 11, 17))  # Tuesday: 3 working days → Friday 20th; due Monday 23rd
    base = select(ServiceRequest.id)
    overdue = set(db.session.scalars(base.where(services.overdue_condition(today.day))))
    assert overdue == {late.id}
    assert set(db.session.scalars(base.where(services.due_soon_condition(today.day)))) == set()
    today.set(date(2026, 11, 18))  # Wednesday: 3 working days → Monday 23rd
    assert set(db.session.scalars(base.where(services.due_soon_condition(today.day)))) == {soon.id}
    assert waiting.id not in overdue
    counts = services.queue_counts(people.zjj)
    assert counts == {"open": 3, "overdue": 1, "soon": 1, "priority": 0, "waiting": 1, "submitted": 1}


def test_sweep_marks_once_and_notifies_once(people, today):
    late = file_housing(people)
    in_state(people, "waiting_materials")
    today.set(date(2026, 11, 10))
    db.session.commit()
    assert services.sweep() == {"overdue": 1, "notified": 2}  # both 住建局 clerks
    db.session.commit()
    assert late.overdue_since == date(2026, 11, 10)
    assert _notes(people.zjj)[-1] == f"{late.number} 已超过受理期限（2026-11-04）"
    events_before = db.session.scalar(select(func.count(ServiceEvent.id)))
    notes_before = db.session.scalar(select(func.count(Notification.id)))
    version = late.version
    assert services.sweep() == {"overdue": 0, "notified": 0}
    assert db.session.scalar(select(func.count(ServiceEvent.id))) == events_before
    assert db.session.scalar(select(func.count(Notification.id))) == notes_before
    db.session.refresh(late)
    assert late.version == version  # marking does not make a clerk's open page stale
    # accepted late: a new deadline, which can become overdue again later
    move(people.zjj, late, "accept", "")
    assert late.overdue_since is None


def test_figures_per_unit_and_type(people, today):
    on_time = in_state(people, "completed")
    services.rate(people.talent_user, on_time, 5)
    late = file_housing(people)
    move(people.zjj, late, "accept", "")
    open_late = file_housing(people)  # never accepted
    today.set(date(2026, 12, 1))
    move(people.zjj, late, "complete", "迟了")  # due 23 November
    rows = services.figures(date(2026, 11, 1), date(2026, 12, 31))
    housing, total = rows[0], rows[-1]
    assert (housing.unit, housing.type) == ("县住建局", "住房保障")
    assert housing.received == 3 and housing.completed == 2 and housing.on_time == 1
    assert housing.late_open == 1 and open_late.deadline_on < today.day
    assert housing.on_time_rate == pytest.approx(33.3)
    assert housing.median_days == pytest.approx((0 + 21) / 2)
    assert housing.mean_rating == 5 and housing.reopen_rate == 0
    assert total.received == 3 and total.on_time_rate == pytest.approx(33.3)
    metric = features.metric("services.on_time_rate")
    assert metric.measure == "%" and metric.compute(2026) == pytest.approx(33.3)
    assert features.metric("services.completed").compute(2026) == 2
    assert features.metric("services.completed").compute(2025) == 0


def test_sweep_command_runs_daily_without_repeating_itself(runner, people, today):
    file_housing(people)
    today.set(date(2026, 11, 10))
    db.session.commit()
    first = runner.invoke(args=["sweep"])
    assert first.exit_code == 0 and "新超期申请 1，超期提醒 2" in first.output
    second = runner.invoke(args=["sweep"])
    assert "新超期申请 0，超期提醒 0" in second.output
