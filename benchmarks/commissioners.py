"""科技特派员 at scale: 2,000 commissioners and 200,000 service logs in a fresh SQLite database.

Measures, in-process with the Flask test client, p50/p95 of
  (a) a commissioner's "my logs" page, (b) the same through the API,
  (c) the staff log list unfiltered and (d) filtered (town, kind, unconfirmed, date range),
  (e) the staff dashboard (with its counts: idle commissioners, unserved targets …),
  (f) the commissioner's dashboard, (g) the annual assessment page, (h) the same through the
  API (a round's assessment: page 1 at the default 20 per page; (h2) 100 per page, page 5 — before
  paging, both answered every commissioner of the round), and the 技术需求 (one need per
  target on average, half closed): (i) the clerk's list of open needs, (j) an open need's page with
  its suggested commissioners (every commissioner shares the one field: the widest ranking),
  (k) 我的派驻 with the targets' needs,
and, in a separate process, the wall time and peak RSS of the annual assessment export.

    .venv/bin/python benchmarks/commissioners.py [--commissioners 2000] [--logs 200000] [--requests 100]

Goals (issue #8): p95 < 50 ms for (a)–(f) on SQLite; the assessment export < 10 s, < 200 MB.
"""
import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from talent import create_app
from talent.auth.models import Unit, User
from talent.commissioners.choices import LOG_KINDS
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
    Town,
)
from talent.commissioners.need_models import TargetNeed
from talent.core.timeutil import today, utcnow
from talent.extensions import db

CONFIG = {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SECRET_KEY": "benchmark-" * 4}
PASSWORD = "Bench2026x"
TECHNOLOGIES = ["水肥一体化", "黄龙病综合防控", "竹笋保鲜", "红茶发酵工艺", "稻田综合种养",
                "林下仿野生栽培", "绿色防控", "测土配方施肥"]


def make_app(path: Path):
    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
                      instance_path=str(path.parent))


def _batched(model, rows, size=5000):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            db.session.execute(insert(model), batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)


def build(path: Path, commissioners: int, logs: int) -> tuple[float, int]:
    """Returns the load time and the id of the commissioner the ``field`` account belongs to."""
    from flask_migrate import upgrade

    from talent.auth.operations import create_user
    from talent.reference import seed_reference

    rng = random.Random(8)
    started = time.perf_counter()
    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_reference()
        bureau = db.session.scalar(select(Unit.id).where(Unit.name == "县科工信局"))
        create_user(None, "kgxj", PASSWORD, "unit", unit_id=bureau)
        field = create_user(None, "field", PASSWORD, "commissioner")
        town_ids = list(db.session.scalars(select(Town.id)))
        now = utcnow()
        year = today().year
        rounds = {}
        for level in ("provincial", "municipal", "county"):
            result = db.session.execute(insert(SelectionRound).values(
                year=year, level=level, name=f"{year} {level}", starts_on=date(year - 1, 1, 1),
                created_at=now))
            rounds[level] = result.inserted_primary_key[0]
        levels = rng.choices(["provincial", "municipal", "county"], weights=[1, 2, 5], k=commissioners)
        _batched(Commissioner, ({
            "name": f"特派员{i}", "id_number": None, "phone": "", "employer": "双牌县农业农村局",
            "expertise": "", "field": "modern_agriculture", "level": level, "three_regions": i % 4 == 0,
            "talent_id": None, "round_id": rounds[level], "status": "active" if i % 20 else "ended",
            "created_at": now, "updated_at": now} for i, level in enumerate(levels)))
        commissioner_ids = list(db.session.scalars(select(Commissioner.id).order_by(Commissioner.id)))
        target_count = commissioners * 3 // 2
        _batched(ServiceTarget, ({
            "name": f"服务对象{i}", "kind": rng.choice(["enterprise", "cooperative", "village"]),
            "uscc": None, "uscc_valid": True, "town_id": rng.choice(town_ids), "address": "",
            "contact": "", "phone": "", "created_at": now} for i in range(target_count)))
        target_ids = list(db.session.scalars(select(ServiceTarget.id)))
        start = today() - timedelta(days=700)
        pairs = []
        for cid in commissioner_ids:
            for tid in rng.sample(target_ids, 2):
                pairs.append((cid, tid))
        _batched(Assignment, ({
            "commissioner_id": cid, "target_id": tid, "starts_on": start, "ends_on": None,
            "needs": "技术需求", "status": "active", "created_at": now} for cid, tid in pairs))
        assignments = db.session.execute(select(Assignment.id, Assignment.commissioner_id,
                                                Assignment.target_id)).all()
        kinds = list(LOG_KINDS)

        def log_rows():
            for i in range(logs):
                assignment = assignments[i % len(assignments)]
                served = start + timedelta(days=rng.randrange(0, 700))
                confirmed = served < today() - timedelta(days=20) and rng.random() < 0.9
                yield {"assignment_id": assignment.id, "commissioner_id": assignment.commissioner_id,
                       "target_id": assignment.target_id, "served_on": served,
                       "kind": kinds[i % len(kinds)], "content": "现场指导与技术培训",
                       "hours": rng.choice([2, 3, 4, 6]), "trained_count": rng.choice([0, 0, 20, 45]),
                       "technologies": rng.sample(TECHNOLOGIES, rng.choice([0, 1, 2])),
                       "location": "", "client_key": f"k{i}",
                       "status": "confirmed" if confirmed else "submitted",
                       "confirmed_at": now if confirmed else None, "return_comment": "",
                       "created_at": now, "updated_at": now, "version": 1}

        _batched(ServiceLog, log_rows())
        needs_statuses = rng.choices(["open", "matched", "closed"], weights=[3, 2, 5], k=target_count)
        _batched(TargetNeed, ({
            "target_id": target_ids[i], "title": f"技术需求{i}：柑橘黄龙病防控",
            "field": "modern_agriculture", "description": "", "urgency": rng.choice(
                ["low", "normal", "high"]), "status": status,
            "commissioner_id": None if status == "open" else rng.choice(commissioner_ids),
            "posted_via": "clerk", "posted_by_id": None,
            "closed_at": now if status == "closed" else None, "created_at": now,
            "updated_at": now, "version": 1} for i, status in enumerate(needs_statuses)))
        mine = commissioner_ids[0]
        db.session.get(User, field.id).commissioner_id = mine
        db.session.commit()
    return time.perf_counter() - started, mine


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _signed_in(app, username: str):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    return client, {"Authorization": "Bearer " + token.get_json()["token"]}


def measure(path: Path, requests: int) -> dict:
    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    staff, staff_bearer = _signed_in(app, "kgxj")
    field, field_bearer = _signed_in(app, "field")
    with app.app_context():
        town = db.session.scalar(select(Town.id).where(Town.name == "江村镇"))
        county = db.session.scalar(select(SelectionRound.id).where(SelectionRound.level == "county"))
        open_need = db.session.scalar(select(TargetNeed.id).where(TargetNeed.status == "open")
                                      .order_by(TargetNeed.id))
    since = (today() - timedelta(days=180)).isoformat()
    cases = {
        "(a) my logs /field/logs": (field, "/field/logs", {}),
        "(b) API my logs /api/v1/service-logs": (field, "/api/v1/service-logs", field_bearer),
        "(c) staff log list /commissioners/logs": (staff, "/commissioners/logs", {}),
        "(d) staff filtered: town, kind, unconfirmed, since": (
            staff, f"/commissioners/logs?town_id={town}&kind=guidance&confirmed=no&date_from={since}",
            {}),
        "(e) staff dashboard / (idle, unserved, pending counts)": (staff, "/", {}),
        "(f) commissioner dashboard /": (field, "/", {}),
        "(g) annual assessment page (all commissioners)": (
            staff, "/commissioners/assessments", {}),
        "(h) API round assessment (county round, ~1,250), page 1": (
            staff, f"/api/v1/rounds/{county}/assessment", staff_bearer),
        "(h2) the same, 100 per page, page 5": (
            staff, f"/api/v1/rounds/{county}/assessment?per_page=100&page=5", staff_bearer),
        "(i) open needs /commissioners/needs": (staff, "/commissioners/needs", {}),
        "(j) need page with suggested commissioners": (
            staff, f"/commissioners/needs/{open_need}", {}),
        "(k) 我的派驻 /field (targets' needs)": (field, "/field", {}),
    }
    results = {}
    for label, (client, url, headers) in cases.items():
        assert client.get(url, headers=headers).status_code == 200, url
        samples = []
        slow = label.startswith(("(g)", "(h"))
        for _ in range(requests if not slow else max(5, requests // 10)):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results[label] = (statistics.median(samples), percentile(samples, 95))
    return results


def export_only(path: Path) -> None:
    from talent.commissioners.spreadsheet import export_assessment

    app = make_app(path)
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        output = export_assessment(today().year)
        output.seek(0, 2)
        size = output.tell()
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {peak:.1f} {before:.1f} {size}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commissioners", type=int, default=2000)
    parser.add_argument("--logs", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--export-only", type=Path)
    args = parser.parse_args()
    if args.export_only:
        export_only(args.export_only)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        print(f"building {args.commissioners:,} commissioners, {args.logs:,} logs ...", flush=True)
        elapsed, _mine = build(path, args.commissioners, args.logs)
        print(f"  loaded in {elapsed:.1f} s")
        print(f"latency over {args.requests} requests each (ms):")
        for label, (p50, p95) in measure(path, args.requests).items():
            goal = label.startswith(("(g)", "(h")) or p95 < 50
            print(f"  {label:<55} p50 {p50:7.1f}  p95 {p95:7.1f}  {'ok' if goal else 'OVER GOAL'}")
        child = subprocess.run([sys.executable, __file__, "--export-only", str(path)],
                               capture_output=True, text=True, check=True)
        elapsed, peak, before, size = child.stdout.split()
        print(f"assessment export ({args.commissioners:,} commissioners): {float(elapsed):.1f} s, "
              f"peak RSS {float(peak):.0f} MB (before {float(before):.0f} MB), "
              f"file {int(size) / 1e3:.0f} kB  "
              f"{'ok' if float(elapsed) < 10 and float(peak) < 200 else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
