from datetime import date

from talent.allowances import operations
from talent.extensions import db
from talent.registry.models import Talent
from tests.allowances.conftest import policy_values
from tests.factories import TalentFactory


def route_ids(user, role, ids):
    """A policy, and a claim the user may see (a talent's own; any for everyone else)."""
    policy = operations.create_policy(None, policy_values(name=f"生活补贴{role}"))
    talent = db.session.get(Talent, user.talent_id) if role == "talent" else TalentFactory()
    talent.source, talent.introduced_on = "introduced", date(2026, 1, 1)
    db.session.flush()
    claim = operations.file_claim(None, policy, talent, date(2026, 1, 1), date(2026, 2, 1))
    if role == "employer":
        from talent.employers.models import Employer
        from talent.employers.operations import set_employment

        set_employment(None, talent, db.session.get(Employer, user.employer_id))
    from talent.allowances.models import ClaimFile

    material = ClaimFile(key="0" * 32, filename="引进证明.pdf", content_type="application/pdf", size=10)
    claim.files.append(material)
    db.session.flush()
    return {"policy_id": policy.id, "claim_id": claim.id, "material_id": material.id}
