from sqlalchemy import select

from talent.auth.models import Unit
from talent.extensions import db
from tests.factories import UserFactory


def route_ids(user, role, ids):
    return {"user_id": UserFactory(role="commissioner").id,
            "unit_id": db.session.scalar(select(Unit.id).where(Unit.name == "县科协"))}
