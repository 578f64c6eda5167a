"""Card applications: the way through, who may do what, and what each step leaves behind."""
import io

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from talent.applications import operations
from talent.applications.models import CardApplication
from talent.cards import operations as cards
from talent.core.audit import history
from talent.core.errors import StaleEdit
from talent.core.uploads import UploadRefused
from talent.employers import operations as employers
from talent.extensions import db
from talent.notifications.models import Notification
from tests.factories import TalentFactory, UserFactory


def _titles(user) -> list[str]:
    return list(db.session.scalars(select(Notification.title).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _pdf(name="学位证书.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), filename=name)


def test_talent_applies_employer_confirms_org_approves_and_the_card_is_issued(world):
    application = operations.apply(world.talent_user, world.talent, world.employer, "申请C类", [_pdf()])
    assert application.status == "submitted" and application.eligible_tier == "C"
    assert application.started_by == "talent" and application.rule_version == 1
    assert [f.filename for f in application.files] == ["学位证书.pdf"]
    assert _titles(world.hr) == [f"{world.talent.name} 申请泷泊英才VIP卡，请确认是否为本单位人员"]
    assert _titles(world.other_hr) == []

    operations.transition(world.hr, application, "confirmed", "属实", application.version)
    assert application.status == "confirmed"
    assert "用人单位已确认您的VIP卡申请，等待县委组织部审核" in _titles(world.talent_user)
    assert any("待审核" in t for t in _titles(world.org))

    operations.transition(world.org, application, "approved", "", application.version)
    assert application.status == "approved" and application.decided_on is not None
    card = cards.active_card(world.talent)
    assert card is not None and application.card_id == card.id and card.tier == "C"
    assert _titles(world.talent_user)[-1] == f"您的泷泊英才VIP卡已发放（{card.number}）"
    assert [s.action for s in application.steps] == ["apply", "confirm", "approve"]
    logged = [e.action for e in history("card_applications", application.id)]
    assert logged == ["approve", "confirm", "create"]
    assert [e.action for e in history("cards", card.id)] == ["issue"]


def test_who_may_make_which_move(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    with pytest.raises(operations.NotYours):
        operations.transition(world.talent_user, application, "confirmed", "", application.version)
    with pytest.raises(operations.NotYours):
        operations.transition(world.other_hr, application, "confirmed", "", application.version)
    with pytest.raises(operations.NotYours):  # 组织部 cannot confirm employment for the employer
        operations.transition(world.org, application, "confirmed", "", application.version)
    with pytest.raises(operations.ApplicationError, match="不能批准发卡"):
        operations.transition(world.org, application, "approved", "", application.version)
    assert application.status == "submitted" and cards.active_card(world.talent) is None


def test_a_stale_version_is_refused(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    seen = application.version
    operations.transition(world.hr, application, "confirmed", "", seen)
    with pytest.raises(StaleEdit):
        operations.transition(world.org, application, "rejected", "材料不全", seen)


def test_decline_return_reject_need_a_reason_and_tell_the_applicant(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    with pytest.raises(operations.ApplicationError, match="不予确认的理由"):
        operations.transition(world.hr, application, "declined", " ", application.version)
    operations.transition(world.hr, application, "confirmed", "", application.version)
    with pytest.raises(operations.ApplicationError, match="退回的原因"):
        operations.transition(world.org, application, "returned", "", application.version)
    operations.transition(world.org, application, "returned", "请补充职称证书", application.version)
    assert application.status == "returned"
    assert _titles(world.talent_user)[-1] == "您的VIP卡申请被退回修改"
    operations.add_material(world.talent_user, application, [_pdf("职称证书.pdf")])
    operations.transition(world.talent_user, application, "submitted", "已补充", application.version)
    assert application.status == "submitted"
    operations.transition(world.hr, application, "confirmed", "", application.version)
    operations.transition(world.org, application, "rejected", "不符合", application.version)
    assert application.status == "rejected" and cards.active_card(world.talent) is None
    assert _titles(world.talent_user)[-1] == "您的VIP卡申请未通过审核"
    # The way is closed: the talent may apply again.
    again = operations.apply(world.talent_user, world.talent, world.employer)
    assert again.status == "submitted"


def test_declined_by_the_employer(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    operations.transition(world.hr, application, "declined", "查无此人", application.version)
    assert application.status == "declined"
    body = db.session.scalar(select(Notification.body).where(Notification.user_id == world.talent_user.id)
                             .order_by(Notification.id.desc()).limit(1))
    assert body == "查无此人"


def test_who_cannot_apply(world):
    left = TalentFactory(education="bachelor", title_level="none", category="none")
    with pytest.raises(operations.ApplicationError, match="暂不符合发卡条件"):
        operations.apply(world.org, left, world.employer)
    operations.apply(world.talent_user, world.talent, world.employer)
    with pytest.raises(operations.ApplicationError, match="办理中的申请"):
        operations.apply(world.talent_user, world.talent, world.employer)
    holder = TalentFactory()
    cards.issue_card(world.org, holder)
    with pytest.raises(operations.ApplicationError, match="已持有有效的VIP卡"):
        operations.apply(world.org, holder, world.employer)
    stranger = TalentFactory()
    with pytest.raises(operations.NotYours):
        operations.apply(world.talent_user, stranger, world.employer)
    with pytest.raises(operations.ApplicationError, match="只能为本单位人员申请"):
        operations.apply(world.hr, stranger, world.employer)


def test_an_employer_applying_for_its_staff_has_confirmed(world):
    application = operations.apply(world.hr, world.talent, world.employer, "单位推荐")
    assert application.status == "confirmed" and application.started_by == "employer"
    assert _titles(world.talent_user) == ["用人单位为您提交了泷泊英才VIP卡申请"]
    operations.transition(world.org, application, "approved", "", application.version)
    assert cards.active_card(world.talent).id == application.card_id


def test_org_applying_goes_to_the_employer_and_confirming_records_the_employment(world):
    newcomer = TalentFactory()
    application = operations.apply(world.org, newcomer, world.employer)
    assert application.status == "submitted" and application.started_by == "org"
    assert employers.employer_of(newcomer.id) is None
    operations.transition(world.hr, application, "confirmed", "", application.version)
    assert employers.employer_of(newcomer.id).id == world.employer.id


def test_approval_checks_the_rules_again(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    operations.transition(world.hr, application, "confirmed", "", application.version)
    world.talent.status = "left"
    db.session.flush()
    with pytest.raises(cards.NotEligible):
        operations.transition(world.org, application, "approved", "", application.version)


def test_each_account_sees_its_own(world):
    mine = operations.apply(world.talent_user, world.talent, world.employer)
    other_employer = db.session.get(type(world.employer), world.other_hr.employer_id)
    other = operations.apply(world.org, TalentFactory(), other_employer)

    def ids(user):
        return set(db.session.scalars(operations.visible_to(user).with_only_columns(CardApplication.id)))

    assert ids(world.talent_user) == {mine.id}
    assert ids(world.hr) == {mine.id}
    assert ids(world.other_hr) == {other.id}
    assert ids(world.org) >= {mine.id, other.id}
    assert ids(UserFactory(role="unit")) == set()


def test_material_is_checked_by_content(world):
    application = operations.apply(world.talent_user, world.talent, world.employer)
    with pytest.raises(UploadRefused, match="PDF、JPEG 或 PNG"):
        operations.add_material(world.talent_user, application,
                                [FileStorage(io.BytesIO(b"MZ\x90\x00 not a pdf"), filename="证书.pdf")])
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, "PNG")
    png.seek(0)
    operations.add_material(world.talent_user, application, [FileStorage(png, filename="照片.png")])
    stored = application.files[-1]
    assert stored.content_type == "image/jpeg" and stored.filename == "照片.jpg"
    with pytest.raises(operations.NotYours):
        operations.add_material(world.other_hr, application, [_pdf()])


def test_monthly_figures(world, freeze_today):
    from datetime import date

    freeze_today(date(2026, 3, 9))
    first = operations.apply(world.talent_user, world.talent, world.employer)
    operations.transition(world.hr, first, "declined", "非本单位", first.version)
    freeze_today(date(2026, 4, 1))
    second = operations.apply(world.talent_user, world.talent, world.employer)
    operations.transition(world.hr, second, "confirmed", "", second.version)
    operations.transition(world.org, second, "approved", "", second.version)
    operations.apply(world.org, TalentFactory(), world.employer)
    rows = {r["month"]: r for r in operations.monthly_figures(2026)}
    assert rows["2026-03"]["submitted"] == 1 and rows["2026-03"]["declined"] == 1
    assert rows["2026-04"]["submitted"] == 2 and rows["2026-04"]["approved"] == 1
    assert rows["2026-04"]["pending"] == 1
    assert rows["合计"]["submitted"] == 3 and len(rows) == 13
