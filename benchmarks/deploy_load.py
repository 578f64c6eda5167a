"""A load run against the two-server deployment of docs/deploy.md (tests/deploy/stack.py): nginx
with TLS in front of two gunicorn app servers (2 sync workers each), PostgreSQL with a streaming
replica, Redis, two workers — all on this machine.

    .venv/bin/python benchmarks/deploy_load.py [--seconds 60] [--connections 50] [--talents 1000]

Each connection is a thread with its own keep-alive HTTPS connection to nginx, sending a mix:
card verifications through the API (40 %) and the public page (20 %), the talent list (20 %)
and one talent (20 %) through the API with a 组织部 token. Prints throughput, p50/p99 per kind and
overall, and the error count (any answer but 200, or a broken connection).
"""
import argparse
import http.client
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy.stack import KEYS, Deployment, tls_context  # noqa: E402

MIX = (("verify_api", 40), ("verify_page", 20), ("talent_list", 20), ("talent_detail", 20))


def prepare(stack: Deployment, talents: int) -> tuple[str, list[str], list[int]]:
    """``talents`` talents (encrypted as the app writes them), a card for every second one, and a
    组织部 account's API token."""
    import json

    from talent import create_app
    from talent.cards import operations as cards
    from talent.cards.verification import make_token
    from talent.extensions import db
    from tests.factories import TEST_PASSWORD, TalentFactory, UserFactory

    app = create_app({**KEYS, "SQLALCHEMY_DATABASE_URI": stack.env["DATABASE_URL"],
                      "CHECK_KEYS_AT_START": False}, instance_path=str(stack.folder / "instance"))
    with app.app_context():
        UserFactory(username="loadorg", role="org")
        people = TalentFactory.create_batch(talents)
        db.session.flush()
        tokens = [make_token(cards.issue_card(None, t)) for t in people[::2]]
        ids = [t.id for t in people]
        db.session.commit()
        db.engine.dispose()
    connection = http.client.HTTPSConnection("127.0.0.1", stack.port, context=tls_context(), timeout=60)
    body = json.dumps({"username": "loadorg", "password": TEST_PASSWORD})
    connection.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    token = json.loads(answer.read())["token"]
    return token, tokens, ids


def run(stack: Deployment, seconds: int, connections: int, api_token: str, cards: list[str],
        ids: list[int]) -> dict:
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    timings: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def path_for(kind: str, rng: random.Random) -> tuple[str, dict]:
        auth = {"Authorization": f"Bearer {api_token}"}
        if kind == "verify_api":
            return f"/api/v1/cards/verify/{rng.choice(cards)}", {}
        if kind == "verify_page":
            return f"/cards/verify/{rng.choice(cards)}", {}
        if kind == "talent_list":
            return f"/api/v1/talents?page={rng.randint(1, 20)}&per_page=20", auth
        return f"/api/v1/talents/{rng.choice(ids)}", auth

    def client(number: int) -> None:
        rng = random.Random(number)
        own: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
        connection = http.client.HTTPSConnection("127.0.0.1", stack.port, context=tls_context(), timeout=60)
        start.wait()
        while time.monotonic() < deadline[0]:
            kind = rng.choice(kinds)
            path, headers = path_for(kind, rng)
            began = time.monotonic()
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    with lock:
                        errors.append(f"{kind} {answer.status}")
                    continue
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(f"{kind} {error!r}")
                connection.close()
                connection = http.client.HTTPSConnection("127.0.0.1", stack.port, context=tls_context(),
                                                         timeout=60)
                continue
            own[kind].append(time.monotonic() - began)
        with lock:
            for kind, values in own.items():
                timings[kind].extend(values)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {"timings": timings, "errors": errors, "elapsed": elapsed}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--talents", type=int, default=1000)
    args = parser.parse_args()
    # The limiter runs (in Redis) but never refuses: one client address sends everything here.
    stack = Deployment(CARD_VERIFY_LIMIT=str(10**9)).start()
    try:
        api_token, cards, ids = prepare(stack, args.talents)
        print(f"deployment up: nginx :{stack.port} → app servers {stack.app_ports} (2 sync workers each); "
              f"{args.talents} talents, {len(cards)} cards; "
              f"{args.connections} connections for {args.seconds} s")
        result = run(stack, args.seconds, args.connections, api_token, cards, ids)
    finally:
        stack.stop()
    everything = [v for values in result["timings"].values() for v in values]
    total = len(everything) + len(result["errors"])
    print(f"{'kind':<14}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, values in result["timings"].items():
        print(f"{kind:<14}{len(values):>10}{percentile(values, .5):>10.0f}{percentile(values, .99):>10.0f}")
    print(f"{'all':<14}{len(everything):>10}{percentile(everything, .5):>10.0f}"
          f"{percentile(everything, .99):>10.0f}")
    print(f"throughput: {total / result['elapsed']:.1f} requests/s over {result['elapsed']:.1f} s; "
          f"errors: {len(result['errors'])}"
          + (f" (first: {result['errors'][:5]})" if result["errors"] else ""))
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
