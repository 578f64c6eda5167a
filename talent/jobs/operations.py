"""Background jobs: submitted by a request, run by ``flask worker`` (the feature's ``background``
hook), claimed like the outbox's deliveries (PostgreSQL ``FOR UPDATE SKIP LOCKED``; SQLite one
``UPDATE`` under ``BEGIN IMMEDIATE``), with a lease that progress renews — a worker that dies
mid-export leaves a job another worker starts again when the lease runs out.

Kinds are registered by the features that own the work (``register``); a kind's ``run(job,
progress)`` returns ``(open file, download name)`` and audits what it exported.
"""
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, and_, or_, select, update

from talent.core.timeutil import utcnow
from talent.core.uploads import upload_root
from talent.extensions import db
from talent.jobs.models import Job
from talent.notifications import operations as inbox

log = logging.getLogger(__name__)

KEEP_DAYS = 7
LEASE_MINUTES = 10
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Kind:
    label: str
    run: Callable  # (job, progress(done, total)) -> (file, download name)


KINDS: dict[str, Kind] = {}


def register(name: str, label: str, run: Callable) -> None:
    KINDS[name] = Kind(label, run)


def sync_limit() -> int:
    """Lists longer than this are exported in the background (``EXPORT_SYNC_LIMIT``, 10,000)."""
    return int(current_app.config.get("EXPORT_SYNC_LIMIT", 10_000))


def import_sync_limit() -> int:
    """Imports of more rows than this run in the background (``IMPORT_SYNC_LIMIT``, 2,000)."""
    return int(current_app.config.get("IMPORT_SYNC_LIMIT", 2_000))


def submit(actor, kind: str, params: dict, total: int = 0) -> Job:
    if kind not in KINDS:
        raise ValueError(kind)
    job = Job(kind=kind, user_id=actor.id, params=params, total=total)
    db.session.add(job)
    db.session.flush()
    return job


def submit_if_long(actor, kind: str, params: dict, total: int) -> Job | None:
    """An export of more than ``sync_limit()`` rows becomes a queued job (committed, so the worker
    sees it at once); a shorter one returns ``None`` and is written inside the request."""
    if total <= sync_limit():
        return None
    job = submit(actor, kind, params, total)
    db.session.commit()
    return job


def visible_to(user) -> Select:
    """A job and its file are the requester's alone."""
    return select(Job).where(Job.user_id == user.id)


def path_of(job: Job) -> Path:
    return upload_root("exports") / job.stored_name


def _progress_writer(job_id: int, token: str):
    """Progress goes through a connection of its own, so the export's open cursor is not disturbed
    and a page polling the job sees it at once; each write renews the lease."""
    def progress(done: int, total: int | None = None) -> None:
        values = {"done": done, "lease_until": utcnow() + timedelta(minutes=LEASE_MINUTES)}
        if total is not None:
            values["total"] = total
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id, Job.worker == token).values(**values))
    return progress


def claim() -> tuple[str, int | None]:
    now = utcnow()
    token = f"{uuid.uuid4().hex[:12]}"
    due = or_(Job.status == "queued", and_(Job.status == "running", Job.lease_until < now))
    values = {"status": "running", "worker": token, "lease_until": now + timedelta(minutes=LEASE_MINUTES)}
    candidate = select(Job.id).where(due).order_by(Job.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        job_id = db.session.scalar(candidate.with_for_update(skip_locked=True))
        if job_id is not None:
            db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    else:
        db.session.execute(update(Job).where(Job.id.in_(candidate.scalar_subquery())).values(**values)
                           .execution_options(synchronize_session=False))
        job_id = db.session.scalar(select(Job.id).where(Job.worker == token, Job.status == "running"))
    db.session.commit()
    return token, job_id


def run_next() -> dict[str, int]:
    """Claim and run one job (the worker's ``background`` round); commits."""
    token, job_id = claim()
    if job_id is None:
        return {}
    job = db.session.get(Job, job_id)
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise RuntimeError(f"未知的任务类型 {job.kind}")
        output, filename = kind.run(job, _progress_writer(job.id, token))
        stored = ""
        if output is not None:  # an import has a report, not a file
            stored = f"{job.id}-{uuid.uuid4().hex}.xlsx"
            with open(upload_root("exports") / stored, "wb") as target:
                shutil.copyfileobj(output, target)
            output.close()
    except Exception as error:  # any failure ends the job, never the worker
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, getattr(job, "kind", "?"))
        job = db.session.get(Job, job_id)
        # The details are in the log; the requester reads a plain sentence.
        job.status, job.finished_at = "failed", utcnow()
        job.error = f"生成时出错（{type(error).__name__}），已记入日志"
        inbox.notify([job.user], f"{_label(job)}失败，请重试或联系管理员",
                     link=inbox.link("jobs.detail", job_id=job.id), kind="job")
        db.session.commit()
        return {"failed": 1}
    db.session.refresh(job)
    job.status, job.filename, job.stored_name = "done", filename, stored
    job.finished_at = utcnow()
    job.expires_at = job.finished_at + timedelta(days=KEEP_DAYS)
    job.done = max(job.done, job.total)
    outcome = (job.params or {}).get("result", {}).get("summary") or (
        f"已生成，{KEEP_DAYS} 天内可下载" if stored else "已完成")
    inbox.notify([job.user], f"{_label(job)}{outcome}",
                 link=inbox.link("jobs.detail", job_id=job.id), kind="job", key=f"job:{job.id}")
    db.session.commit()
    return {"done": 1}


def _label(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return kind.label if kind else job.kind


def remove_expired(today=None) -> dict[str, int]:
    """Files kept 7 days: the daily sweep deletes older ones (the job row stays, marked expired)."""
    now = utcnow()
    expired = list(db.session.scalars(select(Job).where(Job.status == "done", Job.expires_at < now)))
    for job in expired:
        path_of(job).unlink(missing_ok=True)
        job.status, job.stored_name = "expired", ""
    db.session.flush()
    return {"expired_exports": len(expired)}
