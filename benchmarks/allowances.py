"""人才津贴补贴 at the issue's scale: T talents × 3 years (2024–2026) of monthly allowance claims.

Two shapes of "monthly claims" (``--shape``):
- ``yearly`` (default): each talent claims a monthly policy once a year for January–December
  (12 months per claim) — 3 × T claims;
- ``monthly``: each talent claims every month separately — 36 × T claims.
Claims are spread over the chain (most paid, some approved, some still open). Measures, in-process
with the Flask test client signed in as ``org``, p50/p95 of (a) the ledger page for 2026,
(b) the ledger API, (c) its second page, and the wall time of (d) the 财政 export for 2026.

    .venv/bin/python benchmarks/allowances.py [--talents 20000] [--shape yearly|monthly] [--requests 50]

Goals (issue #24): ledger page p95 < 100 ms; export < 10 s.
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from benchmarks.talent_list import insert_talents, make_app, percentile, synthetic_rows
from talent.extensions import db
from talent.registry.models import Talent


def build(path: Path, talents: int, shape: str) -> float:
    from flask_migrate import upgrade

    from talent.allowances import operations
    from talent.allowances.amounts import month_end
    from talent.allowances.models import AllowanceClaim
    from talent.auth.operations import create_user
    from talent.reference import seed_reference

    started = time.perf_counter()
    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_reference()
        org = create_user(None, "bench", "Bench2026x", "org")
        insert_talents(synthetic_rows(talents))
        policies = [operations.create_policy(org, {
            "name": name, "document_no": f"双组发〔2024〕{n}号", "amount": amount, "period": "monthly",
            "months": None, "budget": Decimal("99999999.00"), "year": 2024, "eligibility": {},
            "chain": ["reviewed", "rechecked", "approved"], "note": ""})
            for n, (name, amount) in enumerate([("引进人才生活补贴", Decimal("2000.00")),
                                                ("博士津贴", Decimal("1500.00"))], start=1)]
        ids = list(db.session.scalars(select(Talent.id)))
        rng = random.Random(24)
        rows = []
        years = (2024, 2025, 2026)
        periods = ([(date(y, 1, 1), date(y, 12, 31)) for y in years] if shape == "yearly" else
                   [(date(y, m, 1), month_end(date(y, m, 1))) for y in years for m in range(1, 13)])
        for talent_id in ids:
            policy = policies[talent_id % 2]
            version = policy.current
            for first, last in periods:
                months = (last.year - first.year) * 12 + last.month - first.month + 1
                amount = version.amount * months
                status = rng.choices(["paid", "approved", "reviewed", "submitted"], weights=[80, 8, 6, 6])[0]
                approved = amount if status in ("paid", "approved") else None
                rows.append({"policy_id": policy.id, "policy_version_id": version.id, "talent_id": talent_id,
                             "period_from": first, "period_to": last, "year": first.year, "amount": amount,
                             "approved_amount": approved, "paid_amount": amount if status == "paid" else None,
                             "paid_on": date(first.year, 12, 20) if status == "paid" else None,
                             "voucher_no": f"CZ{talent_id:06d}" if status == "paid" else "", "status": status,
                             "note": "", "stopped_on": None, "budget_override": "", "version": 1})
                if len(rows) == 20_000:
                    db.session.execute(insert(AllowanceClaim), rows)
                    rows = []
        if rows:
            db.session.execute(insert(AllowanceClaim), rows)
        db.session.commit()
        count = db.session.scalar(select(db.func.count(AllowanceClaim.id)))
    print(f"built: {talents} talents, {count} claims ({shape})")
    return time.perf_counter() - started


def measure(path: Path, requests: int) -> dict:
    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "Bench2026x"})
    token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "Bench2026x"})
    bearer = {"Authorization": "Bearer " + token.get_json()["token"]}
    cases = {
        "(a) ledger page /allowances/ledger?year=2026": ("/allowances/ledger?year=2026", {}),
        "(b) API /api/v1/allowance-ledger?year=2026": ("/api/v1/allowance-ledger?year=2026", bearer),
        "(c) ledger page 2": ("/allowances/ledger?year=2026&page=2", {}),
    }
    results = {}
    for label, (url, headers) in cases.items():
        assert client.get(url, headers=headers).status_code == 200, url
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results[label] = (statistics.median(samples), percentile(samples, 95))
    started = time.perf_counter()
    response = client.get("/allowances/ledger.xlsx?year=2026")
    assert response.status_code == 200
    results["(d) 财政 export 2026 (s)"] = (time.perf_counter() - started, len(response.data))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=20_000)
    parser.add_argument("--shape", choices=["yearly", "monthly"], default="yearly")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.sqlite"
        print(f"build {build(path, args.talents, args.shape):.1f} s")
        for label, (first, second) in measure(path, args.requests).items():
            if "export" in label:
                print(f"{label}: {first:.2f} s, {second / 1024:.0f} KB")
            else:
                print(f"{label}: p50 {first:.1f} ms, p95 {second:.1f} ms")


if __name__ == "__main__":
    main()
