from talent.commissioners import operations
from talent.commissioners.models import LogPhoto
from talent.core.timeutil import today
from talent.extensions import db
from tests.commissioners.world import make_world


def route_ids(user, role, ids):
    world = make_world()
    if role == "commissioner":
        # A commissioner's object-level routes are tried on their own records.
        user.commissioner_id = world.commissioner.id
    photo = LogPhoto(log_id=world.log.id, stored_name="walk.jpg", width=1, height=1, size=1)
    db.session.add(photo)
    db.session.flush()
    return {"commissioner_id": world.commissioner.id, "round_id": world.round.id,
            "target_id": world.target.id, "assignment_id": world.assignment.id,
            "log_id": world.log.id, "project_id": world.project.id, "photo_id": photo.id,
            "year": today().year, "rating_token": operations.make_token(world.log)}
