"""Where to keep rate-limit counts: cost per hit and per verification request, in-process (issue #7).

    .venv/bin/python benchmarks/ratelimit_store.py [--hits 5000] [--requests 2000]

Measured in one process, so the numbers do not depend on a load generator competing for the
same two cores:
  (1) one limiter hit (moving window, Flask-Limiter/limits) on memory:// and on a local Redis
      (a throwaway redis-server on a free port), and one hit on a counter table in the SQLite
      database (UPSERT … RETURNING in its own write transaction, WAL, synchronous=NORMAL), the
      alternative to Redis the issue names;
  (2) a whole GET /api/v1/cards/verify/<token> through the Flask test client with each store.
"""
import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.card_verify import prepare  # noqa: E402
from tests.redis_server import ThrowawayRedis  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def limiter_hits(app, hits: int) -> list[float]:
    from talent.core import ratelimit

    samples = []
    with app.test_request_context():
        for n in range(hits):
            started = time.perf_counter()
            ratelimit.hit("bench", f"10.0.{n % 50}.1", 10**9, 60)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def table_hits(database: Path, hits: int) -> list[float]:
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE IF NOT EXISTS rate_counts (key TEXT, window INTEGER, hits INTEGER, "
                       "PRIMARY KEY (key, window))")
    samples = []
    for n in range(hits):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO rate_counts VALUES (?, ?, 1) ON CONFLICT (key, window) "
            "DO UPDATE SET hits = hits + 1 RETURNING hits", (f"10.0.{n % 50}.1", int(time.time() // 60))
        ).fetchone()
        connection.execute("COMMIT")
        samples.append((time.perf_counter() - started) * 1000)
    connection.close()
    return samples


def verify_requests(app, path: str, requests: int) -> list[float]:
    client = app.test_client()
    samples = []
    with app.app_context():
        for _ in range(50):
            client.get(path)
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    from talent import create_app

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        _env, path = prepare(folder)
        redis = ThrowawayRedis(folder)
        uri = redis.start()
        try:
            print(f"(1) one limiter hit, {args.hits:,} hits, 50 client keys")
            for label, store in (("memory://", "memory://"), ("redis (local)", uri)):
                os.environ["RATELIMIT_STORAGE_URI"] = store
                p50, p95 = percentiles(limiter_hits(create_app(instance_path=str(folder)), args.hits))
                print(f"  {label:<28} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms")
            p50, p95 = percentiles(table_hits(folder / "bench.sqlite", args.hits))
            print(f"  {'SQLite counter table':<28} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms")
            print(f"(2) GET verification in-process, {args.requests:,} requests")
            for label, store in (("memory://", "memory://"), ("redis (local)", uri)):
                os.environ["RATELIMIT_STORAGE_URI"] = store
                app = create_app(instance_path=str(folder))
                app.config["CARD_VERIFY_LIMIT"] = 10**9
                p50, p95 = percentiles(verify_requests(app, path, args.requests))
                print(f"  {label:<28} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms  "
                      f"(≈{1000 / p50:,.0f} req/s per core)")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
