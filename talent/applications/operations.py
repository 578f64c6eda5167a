"""Card applications: who may see which, applying, the moves, materials, figures.

Approval issues the card through ``cards.operations.issue_card`` (the same rules, numbering,
one-active-card guard and audit as a card issued at the counter) and links it."""
from collections import Counter
from datetime import date

from sqlalchemy import false, select

from talent.applications.machine import MOVES, STEP_TEXT, moves_for, roles_of
from talent.applications.models import (
    OPEN_STATUSES,
    STATUSES,
    CardApplication,
    CardApplicationFile,
    CardApplicationStep,
)
from talent.cards import operations as cards
from talent.core import audit, timeutil, uploads
from talent.core.db import check_version, guarded_flush
from talent.core.errors import Refused
from talent.employers import operations as employers
from talent.employers.models import Employer
from talent.extensions import db
from talent.notifications.operations import notify, notify_talent, role_users
from talent.registry.models import Talent

MATERIAL_KIND = "cardapplications"  # the folder under UPLOAD_DIR


class ApplicationError(Refused):
    status = 422


class NotYours(Refused):
    """A move this account may not make on an application it can see (403)."""

    status = 403
    code = "forbidden"


def visible_to(user):
    """The applications ``user`` may see: their own (talent), their staff's (employer), all (组织部)."""
    query = select(CardApplication)
    role = getattr(user, "role", None)
    if role in ("org", "admin"):
        return query
    if role == "talent" and user.talent_id:
        return query.where(CardApplication.talent_id == user.talent_id)
    if role == "employer" and user.employer_id:
        return query.where(CardApplication.employer_id == user.employer_id)
    return query.where(false())


def open_application(talent_id: int) -> CardApplication | None:
    return db.session.scalar(select(CardApplication).where(
        CardApplication.talent_id == talent_id, CardApplication.status.in_(OPEN_STATUSES)))


def applications_of(talent_id: int) -> list[CardApplication]:
    return list(db.session.scalars(select(CardApplication).where(CardApplication.talent_id == talent_id)
                                   .order_by(CardApplication.id.desc())))


def _link(application: CardApplication) -> str:
    return f"/card-applications/{application.id}"


def _step(actor, application: CardApplication, action: str, before: str | None, note: str = "") -> None:
    application.steps.append(CardApplicationStep(actor_id=getattr(actor, "id", None), action=action,
                                                 from_status=before, to_status=application.status,
                                                 note=note[:500]))


def _check_can_apply(talent: Talent, on: date):
    """The verdict under the rules in force, or a refusal saying why the talent cannot apply."""
    card = cards.active_card(talent)
    if card is not None and card.status_on(on) == "active":
        raise ApplicationError(f"{talent.name} 已持有有效的VIP卡 {card.number}，无需再申请")
    existing = open_application(talent.id)
    if existing is not None:
        raise ApplicationError(f"{talent.name} 已有一份办理中的申请（{existing.status_label}）")
    verdict = cards.eligibility(talent, on)
    if not verdict.eligible:
        reasons = [c.detail for c in verdict.unmet_requirements] or ["不符合任一类别的发卡条件"]
        raise ApplicationError("暂不符合发卡条件：" + "；".join(reasons), fields={"talent_id": reasons})
    return verdict


def _notify_employer(application: CardApplication, title: str, body: str = "") -> None:
    notify(employers.users_of(application.employer_id), title, body=body, link=_link(application),
           kind="card_application")


def _notify_org(application: CardApplication, title: str) -> None:
    notify(role_users("org"), title, link=_link(application), kind="card_application")


def _notify_applicant(application: CardApplication, title: str, body: str = "", link: str = "") -> None:
    notify_talent(application.talent_id, title, body=body, link=link or _link(application),
                  kind="card_application")


def apply(actor, talent: Talent, employer: Employer, note: str = "", files=()) -> CardApplication:
    """A new application. A talent or 组织部 applying sends it to the employer to confirm; an
    employer applying for its own staff member has thereby confirmed and sends it to 组织部."""
    role = getattr(actor, "role", None)
    started_by = {"talent": "talent", "employer": "employer"}.get(role, "org")
    if role == "talent" and actor.talent_id != talent.id:
        raise NotYours("只能为本人申请")
    if role == "employer" and (actor.employer_id != employer.id
                               or getattr(employers.employer_of(talent.id), "id", None) != employer.id):
        raise ApplicationError("只能为本单位人员申请", fields={"talent_id": ["不是本单位人员"]})
    if not employer.active:
        raise ApplicationError("该用人单位已停用", fields={"employer_id": ["该用人单位已停用"]})
    day = timeutil.today()
    verdict = _check_can_apply(talent, day)
    checked = uploads.check_documents(files)
    application = CardApplication(
        talent_id=talent.id, employer_id=employer.id,
        status="confirmed" if started_by == "employer" else "submitted",
        eligible_tier=verdict.tier, rule_version=cards.current_rule_set(day).version,
        note=(note or "").strip()[:1000], started_by=started_by, created_by_id=getattr(actor, "id", None),
        submitted_on=day)
    with guarded_flush(lambda: ApplicationError(f"{talent.name} 已有一份办理中的申请")):
        db.session.add(application)
    _step(actor, application, "apply" if started_by == "talent" else "apply_for", None, application.note)
    for file in checked:
        _add_file(actor, application, file)
    audit.record(actor, "create", application, audit.snapshot(
        {"talent_id": talent.id, "employer_id": employer.id, "status": application.status,
         "eligible_tier": verdict.tier, "started_by": started_by}), summary=talent.name)
    if application.status == "submitted":
        _notify_employer(application, f"{talent.name} 申请泷泊英才VIP卡，请确认是否为本单位人员")
    else:
        employers.set_employment(actor, talent, employer)
        _notify_org(application, f"{employer.name} 为 {talent.name} 申请VIP卡，待审核")
    if started_by != "talent":
        _notify_applicant(application, f"{STARTED_BY_TEXT[started_by]}为您提交了泷泊英才VIP卡申请",
                          body=f"可申请档次：{verdict.tier_name}")
    else:
        _notify_applicant(application, "您的泷泊英才VIP卡申请已提交，等待用人单位确认",
                          body=f"可申请档次：{verdict.tier_name}")
    return application


STARTED_BY_TEXT = {"employer": "用人单位", "org": "县委组织部"}


def _add_file(actor, application: CardApplication, file) -> CardApplicationFile:
    key = uploads.store(MATERIAL_KIND, file.data)
    row = CardApplicationFile(key=key, filename=file.filename, content_type=file.content_type,
                              size=file.size, uploaded_by_id=getattr(actor, "id", None))
    application.files.append(row)
    db.session.flush()
    return row


def add_material(actor, application: CardApplication, files) -> int:
    """More material while the application is open, by the applicant, the employer or 组织部."""
    if not roles_of(actor, application):
        raise NotYours("无权为这份申请补充材料")
    if not application.is_open:
        raise ApplicationError(f"申请已{application.status_label}，不能再补充材料")
    checked = uploads.check_documents(files)
    if not checked:
        raise ApplicationError("请选择要上传的材料", fields={"files": ["请选择要上传的材料"]})
    if len(application.files) + len(checked) > uploads.DOCUMENTS_PER_RECORD:
        raise ApplicationError(f"每份申请最多 {uploads.DOCUMENTS_PER_RECORD} 个材料")
    for file in checked:
        _add_file(actor, application, file)
    _step(actor, application, "material", application.status, "、".join(f.filename for f in checked))
    audit.record(actor, "material", application, {"files": [None, [f.filename for f in checked]]},
                 summary=application.talent.name)
    return len(checked)


def transition(actor, application: CardApplication, to: str, note: str = "",
               version: int | None = None) -> CardApplication:
    move = MOVES.get(to)
    if move is None:
        raise ApplicationError(f"不支持的操作：{to}", fields={"to": [f"应为 {'、'.join(MOVES)} 之一"]})
    if not move.who & roles_of(actor, application):
        raise NotYours(f"您无权办理“{move.label}”")
    check_version(application, version)
    if application.status not in move.sources:
        raise ApplicationError(f"申请当前为“{application.status_label}”，不能{move.label}",
                               fields={"to": ["当前状态不允许此操作"]})
    note = (note or "").strip()
    if move.note_required and not note:
        raise ApplicationError(f"请填写{move.note_label}", fields={"note": [f"请填写{move.note_label}"]})
    before = application.status
    talent = application.talent
    if move.name == "resubmit":
        # Checked again: the talent may have got a card or stopped qualifying meanwhile.
        application.status = "withdrawn"  # out of the one-open slot while checking
        db.session.flush()
        verdict = _check_can_apply(talent, timeutil.today())
        application.eligible_tier = verdict.tier
        application.rule_version = cards.current_rule_set().version
    changes = {"status": [before, move.target]}
    if move.name == "approve":
        card = cards.issue_card(actor, talent)
        application.card_id = card.id
        changes["card_id"] = [None, card.id]
    application.status = move.target
    if move.target in ("approved", "rejected", "declined", "withdrawn"):
        application.decided_on = timeutil.today()
    db.session.flush()
    _step(actor, application, move.name, before, note)
    audit.record(actor, move.name, application, changes, summary=talent.name)
    _after(move.name, application, note)
    return application


def _after(move: str, application: CardApplication, note: str) -> None:
    """Who hears of a move."""
    name = application.talent.name
    if move == "confirm":
        employers.set_employment(None, application.talent, application.employer)
        _notify_applicant(application, "用人单位已确认您的VIP卡申请，等待县委组织部审核")
        _notify_org(application, f"{application.employer.name} 已确认 {name} 的VIP卡申请，待审核")
    elif move == "decline":
        _notify_applicant(application, "用人单位未确认您的VIP卡申请", body=note)
    elif move == "approve":
        _notify_applicant(application, f"您的泷泊英才VIP卡已发放（{application.card.number}）",
                          body="在“我的”页面查看电子卡和二维码。", link="/me")
        _notify_employer(application, f"{name} 的VIP卡申请已批准")
    elif move == "return":
        _notify_applicant(application, "您的VIP卡申请被退回修改", body=note)
        _notify_employer(application, f"{name} 的VIP卡申请被退回修改", body=note)
    elif move == "reject":
        _notify_applicant(application, "您的VIP卡申请未通过审核", body=note)
        _notify_employer(application, f"{name} 的VIP卡申请未通过审核", body=note)
    elif move == "resubmit":
        _notify_employer(application, f"{name} 重新提交了VIP卡申请，请确认")
        _notify_applicant(application, "您的VIP卡申请已重新提交，等待用人单位确认")
    elif move == "withdraw":
        _notify_employer(application, f"{name} 撤回了VIP卡申请")


def available_moves(user, application: CardApplication):
    return moves_for(user, application)


def step_text(action: str) -> str:
    return STEP_TEXT.get(action, action)


# --- figures ------------------------------------------------------------------------------------

OUTCOME_COLUMNS = ("submitted", "approved", "rejected", "declined", "withdrawn", "pending")


def monthly_figures(year: int) -> list[dict]:
    """Applications of ``year`` by month of application and where they stand (outcome), with a
    total row. ``pending``: still open (待单位确认, 待组织部审核, 退回修改)."""
    rows = db.session.execute(select(CardApplication.submitted_on, CardApplication.status).where(
        CardApplication.submitted_on.between(date(year, 1, 1), date(year, 12, 31))))
    counts: dict[int, Counter] = {m: Counter() for m in range(1, 13)}
    for submitted_on, status in rows:
        month = counts[submitted_on.month]
        month["submitted"] += 1
        month["pending" if status in OPEN_STATUSES else status] += 1
    table = [{"month": f"{year}-{m:02d}", **{c: counts[m][c] for c in OUTCOME_COLUMNS}} for m in counts]
    table.append({"month": "合计", **{c: sum(r[c] for r in table) for c in OUTCOME_COLUMNS}})
    return table


def status_choices() -> dict[str, str]:
    return STATUSES
