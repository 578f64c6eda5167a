"""The task tracker at scale: 10 plans × 50 items × 5 indicators × 60 monthly reports.

Each plan also carries one computed goal indicator per installed metric (外国人才引进数, VIP卡发放数 …,
cumulative from the plan's start in 2022 except the rates), over ``--talents`` synthetic talents
(one in twenty introduced from abroad): what the computed indicators cost per view.

Builds a fresh SQLite database through the Alembic migrations (plus the seed plan), inserts
the synthetic plans in bulk — each item with a lead and two responsible units, each report
with a value for each of its item's 5 indicators, confirmed, and the confirmed figures — then
measures in-process with the Flask test client, signed in as the admin:

  (a) the 调度 view of one plan, (b) its chart data, (c) the plan page, (d) an item page,
  (e) the API list of one plan's tasks, and the time to build the .docx and .xlsx 调度 report.

    .venv/bin/python benchmarks/tasks.py [--plans 10] [--items 50] [--indicators 5]
                                         [--months 60] [--requests 100] [--talents 20000]

Goals (issue #10): dashboard p95 < 100 ms on SQLite; report export < 5 s.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from talent import create_app
from talent.auth.models import Unit
from talent.extensions import db
from talent.tasks.lights import periods_between
from talent.tasks.models import (
    IndicatorFigure,
    ProgressReport,
    ReportValue,
    TaskAction,
    TaskIndicator,
    TaskItem,
    TaskItemUnit,
    TaskPlan,
)

CONFIG = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SECRET_KEY": "benchmark-" * 4}


def make_app(path: Path):
    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
                      instance_path=str(path.parent))


def insert_talents(count: int, rng: random.Random) -> None:
    """``count`` synthetic talents (the talent benchmark's rows); one in twenty introduced from
    abroad in 2022–2026, so the foreign-talent metric counts something."""
    from talent_list import insert_talents as insert_rows
    from talent_list import synthetic_rows

    def with_foreign(rows):  # one in twenty introduced from abroad, for the computed indicators
        for n, row in enumerate(rows):
            if n % 20 == 0:
                row.update(nationality="DE", source="introduced",
                           introduced_on=date(rng.randrange(2022, 2027), rng.randrange(1, 13), 1))
            yield row

    insert_rows(with_foreign(synthetic_rows(count)))


def computed_indicators(plan_id: int) -> list[dict]:
    from talent.core import features

    return [{"plan_id": plan_id, "scope": "goal", "position": 100 + k, "name": metric.label[:100],
             "measure": metric.measure, "target": 100.0, "comparison": "at_least", "level_measure": "",
             "source": "computed", "metric_key": key, "cumulative": metric.measure != "%",
             "light": "green"}
            for k, (key, metric) in enumerate(sorted(features.metrics().items()))]


def build(path: Path, plans: int, items: int, indicators: int, months: int, talents: int) -> float:
    from flask_migrate import upgrade

    from talent.auth.operations import create_user
    from talent.reference import seed_reference

    started = time.perf_counter()
    rng = random.Random(10)
    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_reference()
        create_user(None, "bench", "Bench2026x", "admin")
        units = list(db.session.scalars(select(Unit.id)))
        insert_talents(talents, rng)
        first = date(2022, 1, 1)
        periods = periods_between("2022-01", "2100-12")[:months]
        last_year = int(periods[-1][:4])
        for p in range(plans):
            plan = TaskPlan(name=f"基准方案{p + 1}", year=2022, starts_on=first,
                            ends_on=date(last_year, 12, 31), office_unit_id=units[4],
                            goals="基准", safeguards="基准")
            db.session.add(plan)
            db.session.flush()
            actions = []
            for a in range(5):
                action = TaskAction(plan_id=plan.id, position=a + 1, numeral="一二三四五"[a],
                                    title=f"行动{a + 1}")
                db.session.add(action)
                actions.append(action)
            db.session.flush()
            item_rows = [{"action_id": actions[n % 5].id, "position": n // 5 + 1,
                          "code": f"{n % 5 + 1}.{n // 5 + 1}", "title": f"事项{n + 1}",
                          "text": "基准事项", "deadline": date(last_year, 12, 31),
                          "status": "in_progress", "done_evidence": "", "light": "green"}
                         for n in range(items)]
            item_ids = list(db.session.scalars(insert(TaskItem).returning(TaskItem.id), item_rows))
            links, indicator_rows = [], []
            for item_id in item_ids:
                chosen = rng.sample(units, 3)
                links += [{"item_id": item_id, "unit_id": u, "role": "lead" if k == 0 else "responsible",
                           "position": k} for k, u in enumerate(chosen)]
                indicator_rows += [{"plan_id": plan.id, "item_id": item_id, "scope": "item",
                                    "position": k, "name": f"指标{k + 1}", "measure": "家",
                                    "target": 100.0, "comparison": "at_least", "level_measure": "",
                                    "source": "reported", "actual": float(rng.randrange(40, 120)),
                                    "actual_period": periods[-1], "light": "green"}
                                   for k in range(indicators)]
            db.session.execute(insert(TaskItemUnit), links)
            db.session.execute(insert(TaskIndicator), computed_indicators(plan.id))
            indicator_ids = list(db.session.scalars(
                insert(TaskIndicator).returning(TaskIndicator.id, sort_by_parameter_order=True),
                indicator_rows))
            by_item = {item_id: indicator_ids[n * indicators:(n + 1) * indicators]
                       for n, item_id in enumerate(item_ids)}
            lead_of = {link["item_id"]: link["unit_id"] for link in links if link["role"] == "lead"}
            report_rows = [{"item_id": item_id, "unit_id": lead_of[item_id], "period": period,
                            "narrative": "按计划推进", "problems": "", "status": "confirmed",
                            "review_comment": "", "submitted_at": datetime(2022, 1, 3), "version": 1}
                           for item_id in item_ids for period in periods]
            report_ids = list(db.session.scalars(
                insert(ProgressReport).returning(ProgressReport.id, sort_by_parameter_order=True),
                report_rows))
            values, figures = [], []
            for report_id, row in zip(report_ids, report_rows, strict=True):
                for indicator_id in by_item[row["item_id"]]:
                    value = float(rng.randrange(0, 120))
                    values.append({"report_id": report_id, "indicator_id": indicator_id, "value": value})
                    figures.append({"indicator_id": indicator_id, "unit_id": row["unit_id"],
                                    "period": row["period"], "value": value,
                                    "report_id": report_id, "confirmed_at": datetime(2022, 1, 3)})
            db.session.execute(insert(ReportValue), values)
            db.session.execute(insert(IndicatorFigure), figures)
            db.session.commit()
    return time.perf_counter() - started


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(path: Path, requests: int) -> tuple[dict, dict]:
    from talent.tasks import export, operations

    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "Bench2026x"})
    token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "Bench2026x"})
    bearer = {"Authorization": "Bearer " + token.get_json()["token"]}
    with app.app_context():
        plan_id = db.session.scalar(select(TaskPlan.id).where(TaskPlan.name == "基准方案5"))
        item_id = db.session.scalar(select(TaskItem.id).join(TaskItem.action).where(
            TaskAction.plan_id == plan_id).limit(1))
    cases = {
        "(a) 调度 view /tasks/plans/<id>/dashboard": (f"/tasks/plans/{plan_id}/dashboard", {}),
        "(b) chart data /dashboard.json": (f"/tasks/plans/{plan_id}/dashboard.json", {}),
        "(c) plan page /tasks/plans/<id>": (f"/tasks/plans/{plan_id}", {}),
        "(d) item page (60 reports)": (f"/tasks/items/{item_id}", {}),
        "(e) API /api/v1/tasks?plan_id&per_page=50": (f"/api/v1/tasks?plan_id={plan_id}&per_page=50",
                                                      bearer),
    }
    results = {}
    for label, (url, headers) in cases.items():
        assert client.get(url, headers=headers).status_code == 200, url
        samples, cpu = [], []
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200
        results[label] = (statistics.median(samples), percentile(samples, 95),
                          statistics.median(cpu), percentile(cpu, 95))
    exports = {}
    with app.app_context():
        try:  # the worker's round, where figures are stored (not on main before #23's third round)
            from talent.tasks.metric_figures import MetricFigure, refresh_due
        except ImportError:
            pass
        else:
            db.session.execute(MetricFigure.__table__.delete())
            db.session.commit()
            started = time.perf_counter()
            refreshed = refresh_due()
            exports["worker round"] = (time.perf_counter() - started, sum(refreshed.values()))
        plan = operations.load_plan(plan_id)
        for kind, build_report in (("docx", export.docx_report), ("xlsx", export.xlsx_report)):
            started = time.perf_counter()
            output = build_report(plan)
            output.seek(0, 2)
            exports[kind] = (time.perf_counter() - started, output.tell())
    return results, exports


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=5)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--talents", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tasks.sqlite"
        took = build(path, args.plans, args.items, args.indicators, args.months, args.talents)
        reports = args.plans * args.items * args.months
        print(f"built {args.plans} plans × {args.items} items × {args.indicators} indicators × "
              f"{args.months} months = {reports:,} reports, {reports * args.indicators:,} values "
              f"in {took:.1f} s; {args.talents:,} talents")
        results, exports = measure(path, args.requests)
        # CPU time of this process per request: what the request costs without the machine's
        # other load (wall time includes waiting for a core on a shared machine).
        print(f"{'case':52} {'p50 ms':>7} {'p95 ms':>7} {'cpu p50':>8} {'cpu p95':>8}")
        for label, (p50, p95, cpu50, cpu95) in results.items():
            print(f"{label:52} {p50:7.1f} {p95:7.1f} {cpu50:8.1f} {cpu95:8.1f}")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for kind, (seconds, size) in exports.items():
            if kind == "worker round":
                print(f"worker round storing every figure of the open plans: {size} figures in "
                      f"{seconds * 1000:.0f} ms")
            else:
                print(f"调度 report .{kind}: {seconds:.2f} s, {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
