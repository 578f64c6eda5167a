"""Computed indicators read stored figures (task_metric_figures) that the worker keeps fresh."""
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select, update

from talent.core import features
from talent.extensions import db
from talent.tasks import metric_figures
from talent.tasks.metric_figures import MetricFigure
from tests.factories import TalentFactory

NINE = datetime(2025, 3, 3, 9, 0)  # 双牌 time; 01:00 UTC — the seeded plan (2023–2025) is running


def _foreign(plan):
    return next(i for i in plan.indicators if i.name == "引进外国人才")


def _stored() -> dict[tuple[str, int], MetricFigure]:
    db.session.expire_all()
    return {(f.metric_key, f.year): f for f in db.session.scalars(select(MetricFigure))}


def _refuse(year):
    raise AssertionError(f"a metric was computed for {year} although a stored figure exists")


def test_views_read_stored_figures_and_compute_only_a_missing_one_once(
        client, auth, api_token, plan, items, clock, monkeypatch):
    clock(NINE)
    headers = api_token("org")
    auth.login_as("org")
    dashboard = f"/tasks/plans/{plan.id}/dashboard"
    # Fresh install: the first view computes the figures and stores them (committed by the GET).
    assert client.get(dashboard).status_code == 200
    key = _foreign(plan).metric_key  # cumulative: every year from the plan's start
    with db.engine.connect() as other:  # another connection sees only what was committed
        committed = set(other.execute(select(MetricFigure.metric_key, MetricFigure.year)).all())
    assert {(key, 2023), (key, 2024), (key, 2025)} <= committed
    # From then on no view computes a metric: they all read the stored figures.
    real = features.metric
    monkeypatch.setattr(features, "metric",
                        lambda key: (found := real(key)) and replace(found, compute=_refuse))
    for url in (dashboard, f"/tasks/plans/{plan.id}/dashboard.json", f"/tasks/plans/{plan.id}",
                f"/tasks/items/{items['4.1'].id}"):
        assert client.get(url).status_code == 200, url
    for url in (f"/api/v1/tasks?plan_id={plan.id}", f"/api/v1/indicators/{_foreign(plan).id}",
                "/api/v1/plans"):
        assert client.get(url, headers=headers).status_code == 200, url


def test_worker_refreshes_stale_figures_and_not_fresh_ones(app, plan, clock):
    clock(NINE)
    pairs = metric_figures.needed()
    key = _foreign(plan).metric_key
    assert {(key, 2023), (key, 2024), (key, 2025)} <= pairs
    assert metric_figures.refresh_due() == {"指标数据刷新": len(pairs)}
    assert _stored()[(key, 2025)].value == 0
    TalentFactory(nationality="DE", source="introduced", introduced_on=date(2025, 2, 1))
    db.session.commit()
    clock(datetime(2025, 3, 3, 9, 0, 40))  # younger than the interval (50 s): nothing to do
    assert metric_figures.refresh_due() == {}
    db.session.execute(update(MetricFigure).where(MetricFigure.metric_key == key, MetricFigure.year == 2025)
                       .values(computed_at=datetime(2025, 3, 3, 0, 59)))
    db.session.commit()
    assert metric_figures.refresh_due() == {"指标数据刷新": 1}  # only the stale one
    stored = _stored()
    refreshed = stored[(key, 2025)]
    assert refreshed.value == 1 and refreshed.computed_at == datetime(2025, 3, 3, 1, 0, 40)
    assert {f.computed_at for p, f in stored.items() if p != (key, 2025)} == {datetime(2025, 3, 3, 1, 0)}
    clock(datetime(2025, 3, 3, 9, 1))  # a minute on: every other figure is due again
    assert metric_figures.refresh_due() == {"指标数据刷新": len(pairs) - 1}


def test_pages_and_api_show_the_stored_time_and_say_when_it_is_old(
        client, auth, api_token, plan, items, clock):
    clock(NINE)
    metric_figures.refresh_due()
    headers = api_token("org")
    auth.login_as("org")
    item_page, dashboard = f"/tasks/items/{items['4.1'].id}", f"/tasks/plans/{plan.id}/dashboard"
    clock(datetime(2025, 3, 3, 9, 2))  # read, not recomputed: still the worker's 09:00
    for url in (item_page, dashboard):
        page = client.get(url).get_data(as_text=True)
        assert "系统数据更新于 09:00<" in page and "数据可能未更新" not in page, url
    clock(datetime(2025, 3, 3, 9, 10))  # the worker has stopped: more than three intervals
    page = client.get(item_page).get_data(as_text=True)
    assert "系统数据更新于 09:00（数据可能未更新）" in page
    body = client.get(f"/api/v1/indicators/{_foreign(plan).id}", headers=headers).get_json()
    assert body["computed_at"] == "2025-03-03T01:00:00Z" and body["computed_stale"] is True
    reported = next(i for i in plan.indicators if i.source == "reported")
    body = client.get(f"/api/v1/indicators/{reported.id}", headers=headers).get_json()
    assert body["computed_at"] is None and body["computed_stale"] is False
    clock(datetime(2025, 3, 4, 8, 0))  # another day: the date is shown too
    auth.login_as("org")
    assert "系统数据更新于 2025-03-03 09:00（数据可能未更新）" in client.get(item_page).get_data(as_text=True)
