"""What keeping ``service_figures`` in step costs a write (issue #23): file → accept → complete,
through the operations, each move committed, in rounds that alternate with the counters hook and
with it removed — on a copy of a database ``services.py --keep FILE`` built. Prints the median CPU
time of this process per request (three moves, three commits).

    .venv/bin/python benchmarks/service_figure_writes.py FILE [--rounds 4] [--per-round 25]
"""
import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from benchmarks.talent_list import make_app
from talent.auth.models import User
from talent.extensions import db
from talent.registry.models import Talent
from talent.services import operations as services
from talent.services.operations import daily_figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-round", type=int, default=25)
    args = parser.parse_args()
    # Beside the original: the instance folder (its encryption key) is the database's folder.
    copy = args.database.with_name(args.database.stem + "-writes.sqlite")
    shutil.copy(args.database, copy)
    try:
        app = make_app(copy)
        with app.app_context():
            org = db.session.scalar(select(User).where(User.username == "bench_org"))
            zjj = db.session.scalar(select(User).where(User.username == "bench_zjj"))
            talents = list(db.session.scalars(select(Talent).where(Talent.status == "active")
                                              .limit(2 * args.rounds * args.per_round)))
            housing = services.type_by_code("housing")

            def run(batch) -> float:
                started = time.process_time()
                for talent in batch:
                    req = services.file_request(org, talent, housing, "基准", "写入成本")
                    db.session.commit()
                    for move, note in (("accept", ""), ("complete", "办结")):
                        services.transition(zjj, req, move, note, req.version)
                        db.session.commit()
                return (time.process_time() - started) / len(batch) * 1000

            results: dict[str, list[float]] = {"with": [], "without": []}
            for _ in range(args.rounds):
                for mode in results:
                    batch, talents = talents[:args.per_round], talents[args.per_round:]
                    if mode == "without":
                        event.remove(Session, "after_flush", daily_figures._count_changes)
                    try:
                        results[mode].append(run(batch))
                    finally:
                        if mode == "without":
                            event.listen(Session, "after_flush", daily_figures._count_changes)
    finally:
        copy.unlink()
    for mode, values in results.items():
        print(f"{mode:>7} the counters: CPU ms per request (file + accept + complete) median "
              f"{statistics.median(values):.1f}, rounds {', '.join(f'{v:.1f}' for v in values)}")


if __name__ == "__main__":
    main()
