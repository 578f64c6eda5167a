"""A job's page (progress bar, then the download), its JSON status for the bar, and the download:
every route answers the requester only (another account's job is a 404)."""
from flask import Blueprint, abort, redirect, render_template, url_for

from talent.core.permissions import Permission, acting_user, require
from talent.core.spreadsheet import xlsx_download
from talent.core.timeutil import iso_utc, local
from talent.extensions import db
from talent.jobs import operations
from talent.jobs.models import Job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def export_now_or_later(actor, kind: str, params: dict, total: int, write):
    """An export view's answer: more than ``EXPORT_SYNC_LIMIT`` rows become a job of ``kind``
    (``params`` are what the worker needs to write it again) and the answer is its page; a
    shorter list is written at once by ``write()`` → (file, download name), which audits it."""
    job = operations.submit_if_long(actor, kind, params, total)
    if job is not None:  # long work leaves the request: the worker writes it
        return redirect(url_for("jobs.detail", job_id=job.id))
    output, filename = write()
    db.session.commit()
    return xlsx_download(output, filename)


def _own(job_id: int) -> Job:
    return db.session.scalar(operations.visible_to(acting_user()).where(Job.id == job_id)) or abort(404)


@bp.get("/<int:job_id>")
@require(Permission.SIGNED_IN)
def detail(job_id: int):
    job = _own(job_id)
    return render_template("jobs/job.html", job=job, label=operations.KINDS[job.kind].label
                           if job.kind in operations.KINDS else job.kind)


@bp.get("/<int:job_id>/status")
@require(Permission.SIGNED_IN)
def status(job_id: int):
    job = _own(job_id)
    return {"status": job.status, "status_label": job.status_label, "done": job.done, "total": job.total,
            "percent": job.percent, "error": job.error, "expires_at": iso_utc(job.expires_at),
            "expires_local": local(job.expires_at)}


@bp.get("/<int:job_id>/download")
@require(Permission.SIGNED_IN)
def download(job_id: int):
    job = _own(job_id)
    path = operations.path_of(job) if job.status == "done" and job.stored_name else None
    if path is None or not path.exists():
        abort(404)
    return xlsx_download(path, job.filename)
