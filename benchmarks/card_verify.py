"""Card verification throughput under gunicorn, against a bare Flask endpoint, and QR render time.

    .venv/bin/python benchmarks/card_verify.py [--seconds 10] [--connections 16] [--stores memory,redis]
        [--pairs 3]

Both servers run under gunicorn with 2 sync workers on this machine, one after the other and
interleaved (bare, verify, bare, verify, …: ``--pairs``, default 3), and the median of the
pairs' ratios is the figure — one pair tracks the machine's noise (41–58 % on one afternoon);
loaded by wrk (Debian package `wrk`) when installed, otherwise by a Python client.
Goals (issue #3): verification ≥ 50% of the bare endpoint's rate; one QR PNG < 20 ms.
``--stores`` measures verification once per rate-limit store (issue #7): ``memory://`` (each
worker counts alone) and ``redis`` (a throwaway redis-server on a free local port, shared).
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path) -> tuple[dict, str]:
    """A migrated SQLite database with one card; returns the server environment and the token path."""
    from flask_migrate import upgrade

    from talent import create_app
    from talent.cards import operations as cards
    from talent.cards import verification
    from talent.extensions import db
    from talent.reference import seed_reference
    from talent.registry import operations as registry
    from tests.factories import resident_id

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
           "SECRET_KEY": "b" * 40, "CARD_SIGNING_KEY": "c" * 40,
           "DATA_KEY": "1:" + "d" * 32, "INDEX_KEY": "e" * 64,
           "CARD_VERIFY_LIMIT": str(10**9)}  # the limiter still runs, it just never says no
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "CARD_SIGNING_KEY",
                                          "DATA_KEY", "INDEX_KEY")})
    app = create_app(instance_path=str(folder))
    with app.app_context():
        upgrade()
        seed_reference()
        talent = registry.create_talent(None, {
            "name": "欧阳湘云", "gender": "female", "id_type": "resident_id",
            "id_number": resident_id(male=False), "nationality": "CN", "birth_date": None,
            "phone": "13874600002", "email": "", "education": "doctorate", "title_level": "senior",
            "title_name": "研究员", "employer": "双牌县虎杖生物科技有限公司", "field": "biomedicine",
            "category": "leading", "source": "introduced", "introduced_on": None,
            "programme_level": "provincial", "works_in_county": True, "team_id": None, "honors": [],
            "status": "active"})
        card = cards.issue_card(None, talent)
        db.session.commit()
        token = verification.make_token(card)
    return env, f"/api/v1/cards/verify/{token}"


def serve(module: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", module],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn {module} did not start: {process.stderr.read().decode()[-2000:]}")


def load_wrk(url: str, seconds: int, connections: int) -> tuple[float, int]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("Requests/sec:"))
    total = next(x for x in out.splitlines() if "requests in" in x)
    errors = [x for x in out.splitlines() if "Non-2xx" in x or "Socket errors" in x]
    if errors:
        raise RuntimeError(f"errors during load: {errors}")
    return float(line.split()[1]), int(total.split()[0])


def load_python(url: str, seconds: int, connections: int) -> tuple[float, int]:
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    counts = [0] * connections
    stop = time.time() + seconds

    def worker(index: int) -> None:
        connection = HTTPConnection(host, int(port))
        while time.time() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(response.status)
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(counts)


def measure(module: str, path: str, env: dict, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second, and how many requests were sent in all (probe and warm-up included)."""
    port = free_port()
    server = serve(module, port, env)
    try:
        url = f"http://127.0.0.1:{port}{path}"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200, response.status
        load = load_wrk if shutil.which("wrk") else load_python
        _rate, warm = load(url, 2, connections)
        rate, sent = load(url, seconds, connections)
        return rate, 1 + warm + sent
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def count_scans(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "bench.sqlite") as connection:
        return connection.execute("SELECT count(*) FROM card_scans").fetchone()[0]


def qr_timing(path: str) -> tuple[float, float]:
    from talent.cards.qr import qr_png

    url = "https://rc.shuangpai.gov.cn" + path.replace("/api/v1", "")
    qr_png(url)
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        qr_png(url)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), sorted(samples)[189]


def verify_once(folder: Path, env: dict, path: str, store: str, args) -> tuple[float, int, str]:
    """One verification run with the rate limits in ``store``: (req/s, requests sent, store URI)."""
    redis = None
    if store == "redis":
        from tests.redis_server import ThrowawayRedis

        redis = ThrowawayRedis(folder)
        uri = redis.start()
    else:
        uri = "memory://"
    try:
        verify, sent = measure("app:app", path, {**env, "RATELIMIT_STORAGE_URI": uri},
                               args.seconds, args.connections)
    finally:
        if redis is not None:
            redis.stop()
    return verify, sent, uri


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--stores", default="memory", help="memory, redis or memory,redis")
    parser.add_argument("--pairs", type=int, default=3,
                        help="bare/verify pairs, interleaved: one pair tracks the machine's noise")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env, path = prepare(Path(folder))
        client = "wrk" if shutil.which("wrk") else "python client"
        print(f"gunicorn, 2 sync workers, {args.connections} connections, {args.seconds} s each, {client}, "
              f"{args.pairs} interleaved bare/verify pairs per store")
        logged_before = 0
        for store in args.stores.split(","):
            ratios, sent_all = [], 0
            for pair in range(1, args.pairs + 1):
                bare, _ = measure("benchmarks.bare_app:app", "/bare", env, args.seconds, args.connections)
                verify, sent, uri = verify_once(Path(folder), env, path, store, args)
                sent_all += sent
                ratios.append(verify / bare)
                print(f"  pair {pair}: bare {bare:8.0f} req/s, card verification {verify:8.0f} req/s "
                      f"(limits in {uri.split(':')[0]}), ratio {verify / bare:5.0%}", flush=True)
            logged = count_scans(Path(folder)) - logged_before
            logged_before += logged
            ratio = statistics.median(ratios)
            print(f"  median ratio ({store})  {ratio:8.0%}   {'ok' if ratio >= 0.5 else 'UNDER GOAL (50%)'}  "
                  f"(range {min(ratios):.0%}–{max(ratios):.0%})")
            print(f"  scans logged {logged:,} of {sent_all:,} requests sent "
                  f"({'all' if logged >= sent_all else 'MISSING ' + str(sent_all - logged)}; wrk may count a "
                  f"few unfinished requests at its deadline)")
        p50, p95 = qr_timing(path)
        print(f"QR PNG render: p50 {p50:.1f} ms, p95 {p95:.1f} ms  {'ok' if p95 < 20 else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
