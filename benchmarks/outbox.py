"""The outbox: what writing deliveries adds to a notice, and how fast one worker empties the queue.

Builds a migrated SQLite database with N talent accounts (each with a mobile number and an e-mail),
then measures
  (a) ``notify_talent`` for each account with no channel configured (the in-app notice alone),
  (b) the same with SMTP and an SMS gateway configured (notice + e-mail + SMS delivery rows),
  (c) one worker sending the N e-mails of (b) to a local aiosmtpd server, one SMTP connection each,
      and the N SMS to a local HTTP gateway.

    .venv/bin/python benchmarks/outbox.py [--accounts 1000]
"""
import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from benchmarks.talent_list import make_app, synthetic_rows
from talent.extensions import db
from talent.registry.models import Talent


class Count:
    def __init__(self):
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        return "250 OK"


class Gateway(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"code": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from talent.auth.models import User
    from talent.notifications import operations, outbox
    from talent.notifications.models import Delivery
    from talent.reference import seed_reference

    mailbox, port = Count(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder) / "bench.sqlite")
        with app.app_context():
            upgrade()
            seed_reference()
            rows = list(synthetic_rows(args.accounts))
            for n, row in enumerate(rows):
                row.pop("created_at"), row.pop("updated_at")
                row["email"] = f"t{n}@example.org"
            db.session.execute(insert(Talent), rows)
            ids = list(db.session.scalars(select(Talent.id)))
            db.session.execute(insert(User), [
                {"username": f"t{i}", "password_hash": "x", "role": "talent", "talent_id": i, "active": True,
                 "display_name": "", "is_demo": False, "failed_logins": 0, "session_generation": 0,
                 "must_change_password": False, "version": 1, "phone": "", "email": ""} for i in ids])
            db.session.commit()

            def notify_all(label: str) -> float:
                started, cpu = time.perf_counter(), time.process_time()
                for talent_id in ids:
                    operations.notify_talent(talent_id, "您的申请 FW-2026-000013 已受理", kind="service",
                                             link="/me/services/13")
                db.session.commit()
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                print(f"  {label:<58} {seconds:6.2f} s wall, {1000 * cpu / len(ids):5.2f} ms CPU a notice")
                return seconds

            print(f"{len(ids):,} talent accounts, SQLite:")
            notify_all("(a) notify, no channel configured")
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMS_PROVIDER="gateway",
                              SMS_GATEWAY_URL=f"http://127.0.0.1:{gateway.server_address[1]}/",
                              SMS_GATEWAY_ACCOUNT="bench", SMS_GATEWAY_SECRET="x", SMS_DAILY_CAP=0,
                              PUBLIC_BASE_URL="https://rc.example")
            notify_all("(b) notify, e-mail and SMS configured (2 deliveries each)")
            queued = db.session.scalar(select(func.count(Delivery.id)))
            # quiet hours would hold the SMS: measure as if it were daytime
            db.session.execute(Delivery.__table__.update().values(not_before=func.datetime("now", "-1 day")))
            db.session.commit()
            from talent.notifications import rules

            rules.in_quiet_hours = lambda moment: False
            started, cpu = time.perf_counter(), time.process_time()
            counts = outbox.run_until_idle(max_batches=10**6)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"  (c) one worker sends {queued:,} deliveries: {seconds:.2f} s wall, "
                  f"{queued / seconds:.0f} a second; CPU of the process (worker and both servers) "
                  f"{cpu:.2f} s ({counts}); "
                  f"SMTP server received {mailbox.n:,}")
    smtp.stop()
    gateway.shutdown()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
