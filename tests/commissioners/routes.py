from talent.commissioners import operations
from talent.commissioners.models import LogPhoto
from talent.core.timeutil import today
from talent.employers.models import Employer
from talent.extensions import db
from tests.commissioners.world import make_world
from tests.factories import UserFactory


def route_ids(user, role, ids):
    world = make_world()
    if role == "commissioner":
        # A commissioner's object-level routes are tried on their own records.
        user.commissioner_id = world.commissioner.id
    photo = LogPhoto(log_id=world.log.id, stored_name="walk.jpg", width=1, height=1, size=1)
    db.session.add(photo)
    db.session.flush()
    if role == "employer":
        # The target's own account: its needs are its own.
        db.session.get(Employer, user.employer_id).service_target_id = world.target.id
    need = operations.create_need(UserFactory(role="admin"), world.target, {
        "title": "脐橙黄龙病防控", "field": "modern_agriculture", "urgency": "normal",
        "description": "", "status": "open", "commissioner_id": None})
    return {"commissioner_id": world.commissioner.id, "round_id": world.round.id,
            "target_id": world.target.id, "assignment_id": world.assignment.id,
            "log_id": world.log.id, "project_id": world.project.id, "photo_id": photo.id,
            "year": today().year, "need_id": need.id, "rating_token": operations.make_token(world.log)}
