from talent.extensions import db
from talent.jobs.models import Job
from tests.factories import UserFactory


def route_ids(user, role, ids):
    # The signed-in user's own job (anonymous: someone's), so "allowed" is not a 404.
    owner = user if user is not None else UserFactory(role="org")
    job = Job(kind="registry.talents_export", user_id=owner.id, params={}, status="queued")
    db.session.add(job)
    db.session.flush()
    return {"job_id": job.id}
