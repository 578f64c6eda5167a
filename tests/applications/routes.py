from talent.applications.models import CardApplication, CardApplicationFile
from talent.core import timeutil
from talent.employers.models import Employer
from talent.employers.operations import set_employment
from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import EmployerFactory, TalentFactory


def route_ids(user, role, ids):
    """An application the user may see: a talent's own, an employer's staff member's, any for staff."""
    employer_id = user.employer_id if role == "employer" else EmployerFactory().id
    talent_id = user.talent_id if role == "talent" else TalentFactory().id
    if role == "employer":
        set_employment(None, db.session.get(Talent, talent_id), db.session.get(Employer, employer_id))
    application = CardApplication(talent_id=talent_id, employer_id=employer_id, status="submitted",
                                  eligible_tier="C", rule_version=1, note="", started_by="org",
                                  submitted_on=timeutil.today())
    db.session.add(application)
    db.session.flush()
    material = CardApplicationFile(application_id=application.id, key="0" * 32, filename="学位证书.pdf",
                                   content_type="application/pdf", size=10)
    db.session.add(material)
    db.session.flush()
    return {"application_id": application.id, "file_id": material.id}

