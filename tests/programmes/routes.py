from sqlalchemy import select

from talent.extensions import db
from talent.programmes.models import Programme
from talent.programmes.operations import recommend
from tests.factories import TalentFactory


def route_ids(user, role, ids):
    programme = db.session.scalar(select(Programme).order_by(Programme.id).limit(1))
    # A talent's object-level routes are tried on their own recommendation.
    talent_id = user.talent_id if role == "talent" else TalentFactory().id
    recommendation, _effect = recommend(None, {
        "talent_id": talent_id, "programme_id": programme.id, "year": 2026, "source": "top_ten",
        "note": "", "outcome": "pending", "decided_on": None, "document_no": ""})
    return {"programme_id": programme.id, "recommendation_id": recommendation.id}
