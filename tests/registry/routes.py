from talent.registry.operations import request_correction
from tests.factories import TalentFactory, TeamFactory


def route_ids(user, role, ids):
    team = TeamFactory()
    holder = TalentFactory(team=team, education="doctorate")
    correction = request_correction(None, holder, "职称有误")
    # A talent's object-level routes are tried on their own record.
    own_talent = user.talent_id if role == "talent" else holder.id
    return {"talent_id": own_talent, "team_id": team.id, "correction_id": correction.id,
            "decision": "approve"}
