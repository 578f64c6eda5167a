"""``flask worker`` as the real process it is: killed mid-batch it loses nothing and repeats
nothing; two at once send every delivery once (PostgreSQL: SKIP LOCKED; SQLite: one-statement claims)."""
import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update

from talent.extensions import db
from talent.notifications import operations
from talent.notifications.models import Delivery
from tests.conftest import TEST_DATA_KEY, TEST_INDEX_KEY
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


# time.sleep's absolute monotonic deadline is refused under faketime (CI's year-end run)
PAUSE = threading.Event()


def start_worker(database_url: str, smtp, *args: str, batch: int = 20) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_KEY": TEST_DATA_KEY, "INDEX_KEY": TEST_INDEX_KEY,
           "SECRET_KEY": "w" * 40, "CARD_SIGNING_KEY": "c" * 40, "TALENT_ENV": "development",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_TLS": "none",
           "SMTP_FROM": "rc@shuangpai.example", "WORKER_LEASE_SECONDS": "2", "SMS_PROVIDER": "",
           "WORKER_BATCH": str(batch)}
    command = [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.2", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen, seconds: float = 120) -> str:
    """The process's output once it ends; killed after ``seconds`` (Popen's own timeouts sleep,
    which faketime refuses)."""
    guard = threading.Timer(seconds, process.kill)
    guard.start()
    try:
        return process.communicate()[0].decode()
    finally:
        guard.cancel()


def queue_mails(count: int) -> list[str]:
    users = [UserFactory(role="org", email=f"clerk{n}@example.org") for n in range(count)]
    db.session.commit()
    for n, user in enumerate(users):
        operations.notify([user], f"FW-2026-{n:06d} 已超过办理期限", kind="service_overdue")
    # Due by any process's clock: under faketime each process's clock starts at the same fake
    # moment, so the worker started later would otherwise read them as not yet due.
    db.session.execute(update(Delivery).values(not_before=datetime(2000, 1, 1)))
    db.session.commit()
    return [d.idem_key for d in db.session.scalars(select(Delivery).order_by(Delivery.id))]


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        PAUSE.wait(0.02)


def statuses() -> list[str]:
    db.session.expire_all()
    db.session.commit()
    return [d.status for d in db.session.scalars(select(Delivery).order_by(Delivery.id))]


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(app, smtp, database_url):
    keys = queue_mails(10)
    smtp.mailbox.rcpt_delay = 0.5
    worker = start_worker(database_url, smtp, batch=5)
    # Killed while the third message of its first batch is being handed over (before the
    # server accepted it): two sent, three claimed but unsent, five never touched.
    wait_for(lambda: smtp.mailbox.rcpt_count >= 3)
    worker.kill()
    finish(worker)
    assert len(smtp.mailbox.messages) == 2
    assert statuses() == ["sent", "sent", "sending", "sending", "sending", *["queued"] * 5]
    smtp.mailbox.rcpt_delay = 0
    PAUSE.wait(2.2)  # the dead worker's lease runs out
    # A new worker takes up the rest, the dead one's claims once their lease has run out by its
    # own clock (under faketime every process's clock starts at the same fake moment).
    again = start_worker(database_url, smtp)
    wait_for(lambda: statuses() == ["sent"] * 10, 60)
    again.terminate()
    assert "worker stopped" in finish(again)
    assert sorted(smtp.mailbox.ids()) == sorted(f"<{k}@shuangpai.example>" for k in keys)


def test_two_workers_send_each_delivery_once(app, smtp, database_url):
    keys = queue_mails(30)
    smtp.mailbox.rcpt_delay = 0.05
    workers = [start_worker(database_url, smtp, "--once", batch=3) for _ in range(2)]
    for worker in workers:
        output = finish(worker)
        assert worker.returncode == 0, output
    assert statuses() == ["sent"] * 30
    ids = smtp.mailbox.ids()
    assert len(ids) == 30 and sorted(ids) == sorted(f"<{k}@shuangpai.example>" for k in keys)
    processes = {d.worker.rsplit(":", 1)[0] for d in db.session.scalars(select(Delivery))}
    assert len(processes) == 2  # both took part
