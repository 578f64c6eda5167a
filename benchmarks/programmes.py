"""人才项目推荐申报 far past county scale: T talents, R recommendations over 2024–2026, C card holders.

Measures, in-process with the Flask test client signed in as ``org``, p50/p95 of
  (a) the list page, (b) a filtered list (year, 省级及以上, 入选), (c) the API list,
  (d) the 可升档 page, (e) the dashboard (which shows the year's figures and the 可升档 count),
and the wall time of exporting every recommendation to .xlsx.

    .venv/bin/python benchmarks/programmes.py [--talents 20000] [--recommendations 5000]
                                              [--cards 300] [--requests 50]

A county recommends dozens of people a year; 5,000 recommendations is decades of work.
Goals: p95 < 100 ms for (a)–(c), < 300 ms for (d) and (e); export < 5 s.
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from benchmarks.talent_list import insert_talents, make_app, percentile, synthetic_rows
from talent.extensions import db
from talent.registry.models import Talent


def build(path: Path, talents: int, recommendations: int, cards_count: int) -> float:
    from flask_migrate import upgrade

    from talent.auth.operations import create_user
    from talent.cards import operations as cards
    from talent.programmes import operations
    from talent.programmes.models import Programme, ProgrammeCall, Recommendation
    from talent.reference import seed_reference

    started = time.perf_counter()
    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_reference()
        org = create_user(None, "bench", "Bench2026x", "org")
        insert_talents(synthetic_rows(talents))
        programmes = list(db.session.scalars(select(Programme)))
        calls = [operations.save_call(org, p, year, date(year, 4, 30))
                 for p in programmes for year in (2024, 2025, 2026)]
        ids = list(db.session.scalars(select(Talent.id)))
        rng = random.Random(4_1)
        pairs = set()
        while len(pairs) < recommendations:
            pairs.add((rng.choice(ids), rng.choice(calls).id))
        outcomes = ["pending", "selected", "not_selected", "withdrawn"]
        rows = []
        for talent_id, call_id in pairs:
            outcome = rng.choices(outcomes, weights=[3, 1, 5, 1])[0]
            rows.append({"talent_id": talent_id, "call_id": call_id, "source": rng.choice(
                ["top_ten", "open_competition", "joint_fund"]), "note": "市级科技项目骨干",
                "outcome": outcome, "decided_on": date(2026, 9, 1) if outcome in ("selected", "not_selected")
                else None, "document_no": "", "attachment_name": "", "attachment_type": "",
                "attachment_size": 0, "version": 1})
        db.session.execute(insert(Recommendation), rows)
        # Holders of cards among the selected, so the 可升档 list has work to do.
        selected = list(db.session.scalars(
            select(Talent).join(Recommendation, Recommendation.talent_id == Talent.id)
            .where(Recommendation.outcome == "selected").distinct().limit(cards_count * 3)))
        issued = 0
        for talent in selected:
            if issued >= cards_count:
                break
            if cards.active_card(talent) is None and cards.eligibility(talent).eligible:
                cards.issue_card(org, talent)
                issued += 1
        # A few provincial selections on C-card holders: the 可升档 list is not empty.
        provincial = next(c for c in calls if c.programme.level == "provincial" and c.year == 2026)
        for talent in db.session.scalars(cards.recommended_query().limit(400)):
            if cards.eligibility(talent).tier == "C" and talent.programme_level == "none":
                cards.issue_card(org, talent)
                if (talent.id, provincial.id) not in pairs:
                    operations.recommend(org, {
                        "talent_id": talent.id, "programme_id": provincial.programme_id, "year": 2026,
                        "source": "top_ten", "note": "", "outcome": "selected",
                        "decided_on": date(2026, 10, 16), "document_no": ""})
                issued += 1
                if issued >= cards_count + 20:
                    break
        db.session.commit()
        counts = (db.session.scalar(select(db.func.count(Recommendation.id))),
                  db.session.scalar(select(db.func.count(ProgrammeCall.id))), issued,
                  len(operations.upgradeable()))
    print(f"built: {talents} talents, {counts[0]} recommendations in {counts[1]} calls, "
          f"{counts[2]} cards issued, {counts[3]} upgradeable")
    return time.perf_counter() - started


def measure(path: Path, requests: int) -> dict:
    app = make_app(path)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "Bench2026x"})
    token = client.post("/api/v1/auth/token", json={"username": "bench", "password": "Bench2026x"})
    bearer = {"Authorization": "Bearer " + token.get_json()["token"]}
    cases = {
        "(a) list page /recommendations": ("/recommendations", {}),
        "(b) filtered ?year=2026&level=high&outcome=selected": (
            "/recommendations?year=2026&level=high&outcome=selected", {}),
        "(c) API /api/v1/recommendations": ("/api/v1/recommendations", bearer),
        "(d) 可升档 /recommendations/upgrades": ("/recommendations/upgrades", {}),
        "(e) dashboard /": ("/", {}),
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
    response = client.get("/recommendations/export.xlsx")
    assert response.status_code == 200
    results["export all (s)"] = (time.perf_counter() - started, len(response.data))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--talents", type=int, default=20_000)
    parser.add_argument("--recommendations", type=int, default=5_000)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.sqlite"
        print(f"build {build(path, args.talents, args.recommendations, args.cards):.1f} s")
        for label, (first, second) in measure(path, args.requests).items():
            if label.startswith("export"):
                print(f"{label}: {first:.2f} s, {second / 1024:.0f} KB")
            else:
                print(f"{label}: p50 {first:.1f} ms, p95 {second:.1f} ms")


if __name__ == "__main__":
    main()
