"""Service requests at county scale: 100,000 requests across the six types and their units.

Builds a fresh SQLite database with the Alembic migrations, 5,000 talents and N requests spread
over the last two years in every state (about 3% past their deadline and not yet swept), then
measures in-process with the Flask test client p50/p95 of
  (a) 住建局's queue, (b) the queue with filters, (c) "due within 3 working days",
  (d) 县委组织部's queue over all units, (e) a talent's own list, (f) the API list for a unit,
  (g) the figures page for the year so far, (g2) for the whole of last year, (g3) for an
  arbitrary 400-day period across a year end, and (g4) its .xlsx for last year,
the wall time of the daily sweep (first run marks and notifies; the second changes nothing), and the
台账 export: 住建局's whole list inside the request, and 县委组织部's over all units through the worker.

    .venv/bin/python benchmarks/services.py [--requests 100000] [--samples 100] [--exports-only]
        [--figures-only] [--keep FILE]

``--keep FILE`` builds into FILE, or reuses it: then it is first brought to the code's migration
head (timed), so one database measures before and after a change that migrates it.

Goals (issue #9): p95 < 50 ms for the queue with filters, the talent's list and the figures page on
SQLite; the sweep over 100,000 requests < 5 s.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from benchmarks.talent_list import make_app, percentile, synthetic_rows
from talent.extensions import db
from talent.registry.models import Talent

PASSWORD = "Bench2026x"
STATUS_WEIGHTS = {"completed": 70, "rejected": 4, "withdrawn": 3, "submitted": 6, "accepted": 4,
                  "in_progress": 9, "waiting_materials": 4}  # before ageing (see request_rows)


def request_rows(count: int, talent_ids: list[int], types: list, today: date, rng: random.Random,
                 own_talent: int):
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    counters: dict[int, int] = {}
    for n in range(count):
        stype = types[n % len(types)]
        talent_id = own_talent if n % 5000 == 0 else rng.choice(talent_ids)
        filed = today - timedelta(days=rng.randrange(0, 730))
        status = rng.choices(statuses, weights)[0]
        age = (today - filed).days
        if age < 10 and status == "completed":
            status = "in_progress"
        elif age > 60 and status in ("submitted", "accepted", "in_progress", "waiting_materials") \
                and rng.random() < 0.85:
            status = "completed"  # old requests are mostly closed; the rest linger, overdue
        counters[filed.year] = counters.get(filed.year, 0) + 1
        accept_due = filed + timedelta(days=2 + (filed.weekday() >= 3) * 2)
        accepted = filed + timedelta(days=rng.randrange(0, 3)) if status not in (
            "submitted", "rejected", "withdrawn") else None
        due = accepted + timedelta(days=stype.time_limit_days * 7 // 5) if accepted else None
        deadline = {"submitted": accept_due, "accepted": due, "in_progress": due}.get(status)
        # most open requests are current; ~3% of all are past due and not yet swept
        if deadline is not None and deadline < today and rng.random() > 0.4:
            deadline = today + timedelta(days=rng.randrange(0, 20))
            if status == "submitted":
                accept_due = deadline
            else:
                due = deadline
        completed = None
        if status == "completed":
            completed = min(today, due + timedelta(days=rng.randrange(-10, 4)))
            completed = max(completed, accepted)
        rated = status == "completed" and rng.random() < 0.6
        yield {
            "number": f"FW-{filed.year}-{counters[filed.year]:06d}", "type_id": stype.id,
            "talent_id": talent_id, "unit_id": stype.unit_id, "title": f"{stype.name}申请 {n}",
            "description": "基准测试数据", "status": status, "priority": rng.random() < 0.08,
            "card_tier": None, "filed_by_id": None,
            "created_at": datetime.combine(filed, datetime.min.time()) + timedelta(hours=1),
            "filed_on": filed, "accept_due_on": accept_due, "accepted_on": accepted, "due_on": due,
            "deadline_on": deadline, "overdue_since": None,
            "paused_on": filed if status == "waiting_materials" else None, "paused_days": 0,
            "completed_at": datetime.combine(completed, datetime.min.time()) if completed else None,
            "completed_on": completed, "on_time": (completed <= due) if completed else None,
            "handling_days": (completed - filed).days * 5 // 7 if completed else None,
            "closed_at": None, "reopen_count": 1 if status == "completed" and rng.random() < 0.04 else 0,
            "rating": rng.choice([3, 4, 4, 5, 5, 5]) if rated else None, "rating_comment": "",
            "rated_at": None, "version": 1,
        }


def build(path: Path, count: int) -> tuple[float, date]:
    from flask_migrate import upgrade

    from talent.auth.operations import create_user
    from talent.auth.units import unit_named
    from talent.core import timeutil
    from talent.core.features import installed_features
    from talent.reference import seed_reference
    from talent.services import operations as services
    from talent.services.models import RequestCounter, ServiceRequest

    started = time.perf_counter()
    app = make_app(path)
    today = timeutil.today()
    with app.app_context():
        upgrade()
        seed_reference()
        talents = list(synthetic_rows(5000))
        for row in talents:
            row.pop("created_at"), row.pop("updated_at")
        db.session.execute(insert(Talent), talents)
        talent_ids = list(db.session.scalars(select(Talent.id)))
        create_user(None, "bench_org", PASSWORD, "org")
        create_user(None, "bench_zjj", PASSWORD, "unit", unit_id=unit_named("县住建局").id)
        create_user(None, "bench_zjj2", PASSWORD, "unit", unit_id=unit_named("县住建局").id)
        create_user(None, "bench_talent", PASSWORD, "talent", talent_id=talent_ids[0])
        rng = random.Random(9)
        batch = []
        for row in request_rows(count, talent_ids, services.types(), today, rng, talent_ids[0]):
            batch.append(row)
            if len(batch) == 5000:
                db.session.execute(insert(ServiceRequest), batch)
                batch = []
        if batch:
            db.session.execute(insert(ServiceRequest), batch)
        year_of = func.substr(ServiceRequest.number, 4, 4)
        for year, last in db.session.execute(select(year_of, func.count()).group_by(year_of)):
            db.session.add(RequestCounter(year=int(year), last=last))
        db.session.commit()
        # The rows went in around the application: the maintained figures are computed here, as
        # ``flask rebuild-summaries`` would after such a load.
        for feature in installed_features(app):
            if feature.rebuild is not None:
                feature.rebuild()
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started, today


def measure(path: Path, samples: int, figures_only: bool = False) -> dict:
    from talent.core import timeutil

    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    results = {}

    def client_for(username: str):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    zjj, org, talent = client_for("bench_zjj"), client_for("bench_org"), client_for("bench_talent")
    today = timeutil.today()
    last_year = today.year - 1
    span_end = today - timedelta(days=45)
    span_start = span_end - timedelta(days=399)
    token = zjj.post("/api/v1/auth/token", json={"username": "bench_zjj", "password": PASSWORD})
    bearer = {"Authorization": "Bearer " + token.get_json()["token"]}
    cases = {
        "(a) 住建局 queue /services (open, priority and overdue first)": (zjj, "/services", {}),
        "(b) queue with filters ?type=housing&overdue=1&priority=1": (
            zjj, "/services?type=housing&overdue=1&priority=1", {}),
        "(c) queue ?soon=1 (due within 3 working days)": (zjj, "/services?soon=1", {}),
        "(d) 县委组织部 queue over all units /services": (org, "/services", {}),
        "(e) talent's own list /me/services": (talent, "/me/services", {}),
        "(f) API /api/v1/service-requests?status=open (unit)": (
            zjj, "/api/v1/service-requests?status=open", bearer),
        "(g) figures /services/figures (year to date)": (org, "/services/figures", {}),
        f"(g2) figures, the whole of {last_year}": (
            org, f"/services/figures?start={last_year}-01-01&end={last_year}-12-31", {}),
        f"(g3) figures, {span_start} – {span_end} (400 days)": (
            org, f"/services/figures?start={span_start}&end={span_end}", {}),
        f"(g4) figures .xlsx, the whole of {last_year}": (
            org, f"/services/figures.xlsx?start={last_year}-01-01&end={last_year}-12-31", {}),
    }
    if figures_only:
        cases = {label: case for label, case in cases.items() if label.startswith("(g")}
    for label, (client, url, headers) in cases.items():
        assert client.get(url, headers=headers).status_code == 200, url
        timings, cpu = [], []
        for _ in range(samples):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        results[label] = (statistics.median(timings), percentile(timings, 95),
                          statistics.median(cpu), percentile(cpu, 95))
    return results


def migrate(path: Path) -> float:
    from flask_migrate import upgrade

    started = time.perf_counter()
    with make_app(path).app_context():
        upgrade()
    return time.perf_counter() - started


def sweep_twice(path: Path) -> list[tuple[float, dict]]:
    from talent.services import operations as services

    app = make_app(path)
    runs = []
    with app.app_context():
        for _ in range(2):
            started = time.perf_counter()
            result = services.sweep()
            db.session.commit()
            runs.append((time.perf_counter() - started, result))
    return runs


def exports(path: Path) -> list[tuple[str, float, int]]:
    """(h) 住建局's 台账 of every state at once, inside the request (the limit raised above it);
    (i) 县委组织部's 台账 over all units: past EXPORT_SYNC_LIMIT, so a job the worker writes."""
    from openpyxl import load_workbook

    from talent.jobs import operations as jobs
    from talent.jobs.models import Job

    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    results = []
    # Requests outside an app context of ours: inside one, they would share its ``g`` (and the
    # signed-in user cached there).
    zjj, org = app.test_client(), app.test_client()
    for client, name in ((zjj, "bench_zjj"), (org, "bench_org")):
        assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    app.config["EXPORT_SYNC_LIMIT"] = 10_000_000
    started = time.perf_counter()
    response = zjj.get("/services/export.xlsx?status=")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    rows = sum(1 for _ in load_workbook(BytesIO(response.data), read_only=True).active.iter_rows()) - 1
    results.append(("(h) 住建局 台账, all states, in the request", seconds, rows))
    app.config["EXPORT_SYNC_LIMIT"] = 10_000
    started = time.perf_counter()
    assert org.get("/services/export.xlsx?status=").status_code == 302
    with app.app_context():
        assert jobs.run_next() == {"done": 1}
        seconds = time.perf_counter() - started
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        results.append(("(i) 县委组织部 台账, all units, through the worker", seconds, job.total))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build into (or reuse) this database file")
    parser.add_argument("--exports-only", action="store_true", help="only (h) and (i), the 台账 export")
    parser.add_argument("--figures-only", action="store_true", help="only (g)–(g4), the statistics")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.sqlite"
        if not path.exists():
            print(f"building 5,000 talents and {args.requests:,} service requests ...", flush=True)
            elapsed, today = build(path, args.requests)
            print(f"  loaded in {elapsed:.1f} s (today {today})")
        else:
            print(f"migrating {path} to this code's head: {migrate(path):.1f} s", flush=True)
        if not args.exports_only:
            print(f"latency over {args.samples} requests each, ms (wall clock; and CPU time of this process,"
                  " which a busy machine does not inflate):")
            for label, (p50, p95, cpu50, cpu95) in measure(path, args.samples, args.figures_only).items():
                print(f"  {label:<62} p50 {p50:6.1f}  p95 {p95:6.1f}  "
                      f"| CPU p50 {cpu50:6.1f}  p95 {cpu95:6.1f}  {'ok' if p95 < 50 else 'wall OVER GOAL'}")
            for n, (seconds, result) in enumerate(() if args.figures_only else sweep_twice(path), 1):
                print(f"sweep run {n}: {seconds:.2f} s — newly overdue {result['overdue']:,}, "
                      f"notifications {result['notified']:,}  {'ok' if seconds < 5 else 'OVER GOAL'}")
        if not args.figures_only:
            print("the 台账 export:")
            for label, seconds, rows in exports(path):
                print(f"  {label:<50} {seconds:6.1f} s for {rows:,} rows ({rows / seconds:,.0f} rows/s)")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
