from talent.extensions import db
from talent.registry.models import Talent
from talent.services import attachments
from talent.services import operations as services
from talent.services.models import ServiceAttachment
from tests.factories import TalentFactory
from tests.services.conftest import png_bytes


def route_ids(user, role, ids):
    """A request the signed-in user may reach — a talent's own; for the walk's unit user (县科工信局)
    a foreign-residence request, which is routed there — with an attachment on disk."""
    talent_id = user.talent_id if role == "talent" and user is not None else TalentFactory().id
    png = attachments.CheckedFile("照片.png", "image/png", png_bytes())
    req = services.file_request(None, db.session.get(Talent, talent_id),
                                services.type_by_code("foreign_residence"), "工作许可延期", "申请延期",
                                files=[png])
    attachment = db.session.scalar(db.select(ServiceAttachment).where(ServiceAttachment.request_id == req.id))
    return {"request_id": req.id, "attachment_id": attachment.id,
            "type_id": services.type_by_code("housing").id, "day": "2027-01-04"}
