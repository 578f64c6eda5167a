"""服务办理统计 from maintained per-day figures: after a realistic run of filings, moves, ratings,
transfers, corrections and a deletion the counters equal a grouping over every request, the
statistics for any period equal the old per-view grouping, and ``flask rebuild-summaries``
repairs damaged counters. Bad periods on the page are a message, never a 500."""
from datetime import date

from sqlalchemy import func, select

from talent.auth.units import unit_named
from talent.core import features
from talent.extensions import db
from talent.services import operations as services
from talent.services.models import ServiceFigure, ServiceRequest
from talent.services.operations import daily_figures
from tests.services.conftest import file_housing, in_state, move, sign_in


def _workflow(people, today) -> None:
    """Requests through every move the figures count, across a month end and a year end."""
    wjj = unit_named("县卫健局").id
    on_time = in_state(people, "completed")  # 2 November
    services.rate(people.talent_user, on_time, 5)
    late, moved, paused = file_housing(people), file_housing(people), in_state(people, "waiting_materials")
    move(people.zjj, late, "accept", "")
    move(people.org, moved, "transfer", "属卫健局办理", unit_id=wjj)
    in_state(people, "withdrawn")
    in_state(people, "rejected")
    file_housing(people)  # never accepted: open and late
    gone = file_housing(people)
    db.session.flush()
    db.session.delete(gone)
    today.set(date(2026, 11, 5))
    move(people.wjj, moved, "accept", "")
    move(people.wjj, moved, "complete", "已办结")
    services.rate(people.talent_user, moved, 2)
    move(people.talent_user, paused, "supply", "已补充")
    today.set(date(2026, 11, 10))
    move(people.talent_user, moved, "reopen", "未解决")
    today.set(date(2026, 11, 30))
    move(people.zjj, late, "complete", "迟了")  # due 23 November
    move(people.zjj, paused, "complete", "已办结")
    move(people.wjj, moved, "complete", "已解决")  # its last completion counts, reopened once
    services.rate(people.talent_user, moved, 4)
    today.set(date(2026, 12, 31))
    across = in_state(people, "accepted")
    today.set(date(2027, 1, 4))
    move(people.zjj, across, "complete", "已办结")
    db.session.commit()
    # A correction made on an unloaded (expired) request: its old unit still comes off the counters.
    on_time.unit_id = wjj
    db.session.commit()


def test_maintained_figures_equal_the_grouping_for_any_period(app, people, today, runner):
    _workflow(people, today)
    maintained = daily_figures.counted()
    assert maintained == daily_figures.grouped()
    assert sum(n[0] for key, n in maintained.items() if key[0] == "day") == 8  # nine filed, one deleted
    periods = [(date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 11, 2), date(2026, 11, 2)),
               (date(2026, 11, 6), date(2026, 12, 31)), (date(2026, 1, 1), date(2026, 12, 31)),
               (date(2026, 12, 1), date(2027, 1, 31)), (date(2020, 1, 1), date(2020, 12, 31)),
               (date(2026, 10, 15), date(2026, 12, 30)), (date(2026, 11, 30), date(2027, 1, 4))]
    assert services.pieces(date(2026, 10, 15), date(2026, 12, 30)) == [
        ("day", date(2026, 10, 15), date(2026, 10, 31)), ("month", date(2026, 11, 1), date(2026, 11, 30)),
        ("day", date(2026, 12, 1), date(2026, 12, 30))]
    assert services.pieces(date(2026, 11, 2), date(2026, 11, 2)) == [
        ("day", date(2026, 11, 2), date(2026, 11, 2))]
    for start, end in periods:
        assert services.figures(start, end) == services.figures(start, end, grouped=True), (start, end)
    november = services.figures(date(2026, 11, 1), date(2026, 11, 30))
    housing, health, total = november
    assert (housing.unit, housing.type, health.unit) == ("县住建局", "住房保障", "县卫健局")
    assert (total.received, total.completed, total.on_time, total.late_open) == (7, 4, 2, 1)
    assert (health.received, health.completed, health.reopened, health.mean_rating) == (2, 2, 1, 4.5)
    assert services.figures(date(2020, 1, 1), date(2020, 12, 31)) == []
    assert features.metric("services.completed").compute(2026) == 4
    assert features.metric("services.received").compute(2027) == 0
    assert features.metric("services.completed").compute(2027) == 1
    assert features.metric("services.on_time_rate").compute(2026) == services.figures(
        date(2026, 1, 1), date(2026, 12, 31))[-1].on_time_rate

    db.session.execute(ServiceFigure.__table__.update().values(received=99))  # damaged: rebuilt
    db.session.commit()
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0 and "services.service_figures:" in result.output
    assert daily_figures.counted() == maintained


def test_figures_page_refuses_bad_periods_with_a_message(client, people, today):
    in_state(people, "completed")
    db.session.commit()
    sign_in(client, people.org)
    reversed_ = client.get("/services/figures?start=2026-11-30&end=2026-11-01")
    assert reversed_.status_code == 200
    page = reversed_.get_data(as_text=True)
    assert "已将两者对调" in page and 'value="2026-11-01"' in page and "县住建局" in page
    bad_format, out_of_range = "日期格式应为", "可查询的日期为 2000-01-01 至 2099-12-31"
    for query, message in (("start=2026-13-45", bad_format), ("end=20260-01-01", bad_format),
                           ("start=0202-01-01&end=2026-12-31", out_of_range),
                           ("start=1990-01-01&end=1995-01-01", out_of_range),
                           ("start=9999-01-01&end=9999-12-31", out_of_range)):
        response = client.get(f"/services/figures?{query}")
        assert response.status_code == 200 and message in response.get_data(as_text=True), query
    export = client.get("/services/figures.xlsx?start=0001-01-01&end=9999-12-31")
    disposition = export.headers["Content-Disposition"]
    assert export.status_code == 200 and "2000-01-01" in disposition and "2099-12-31" in disposition
    assert db.session.scalar(select(func.count(ServiceRequest.id))) == 1
