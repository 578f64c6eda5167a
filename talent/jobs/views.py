"""A job's page (progress bar, then the download), its JSON status for the bar, and the download:
every route answers the requester only (another account's job is a 404)."""
from flask import Blueprint, abort, render_template, send_file

from talent.core.permissions import Permission, acting_user, require
from talent.core.timeutil import iso_utc, local
from talent.extensions import db
from talent.jobs import operations
from talent.jobs.models import Job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    response = send_file(path, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=job.filename)
    response.headers["Cache-Control"] = "no-store"
    return response
