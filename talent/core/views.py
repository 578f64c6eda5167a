"""The landing page, the dashboard and the audit log."""
from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import func, select

from talent.core.audit import ACTION_LABELS, OBJECT_LABELS, AuditEntry
from talent.core.forms import form_labels
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, public, require
from talent.extensions import db
from talent.registry import choices
from talent.registry.models import Talent, Team

bp = Blueprint("core", __name__)


def _field_labels() -> dict[str, dict[str, str]]:
    """Chinese field names per logged object type, from the forms that edit them."""
    from talent.auth.forms import UserForm
    from talent.cards.views import FIELD_LABELS as CARD_FIELD_LABELS
    from talent.registry.views import FIELD_LABELS, TEAM_FIELD_LABELS

    return {"talents": FIELD_LABELS, "teams": TEAM_FIELD_LABELS, "users": form_labels(UserForm),
            "cards": CARD_FIELD_LABELS}


def _talent_summary() -> dict:
    active = Talent.status == "active"
    by = {}
    for column in ("category", "field", "education"):
        attr = getattr(Talent, column)
        rows = db.session.execute(select(attr, func.count()).where(active).group_by(attr)).all()
        counts = dict(rows)
        by[column] = [(label, counts.get(code, 0)) for code, label in choices.CHOICE_SETS[column].items()]
    return {
        "active": db.session.scalar(select(func.count()).where(active)) or 0,
        "left": db.session.scalar(select(func.count()).where(Talent.status == "left")) or 0,
        "introduced": db.session.scalar(
            select(func.count()).where(active, Talent.source == "introduced")) or 0,
        "foreign": db.session.scalar(
            select(func.count()).where(active, Talent.nationality != "CN")) or 0,
        "teams": db.session.scalar(select(func.count(Team.id))) or 0,
        "by": by,
    }


@bp.get("/")
@require(Permission.SIGNED_IN)
def index():
    user = acting_user()
    if user.can(Permission.PORTAL):
        return redirect(url_for("portal.home"))
    summary = _talent_summary() if user.can(Permission.TALENTS_READ) else None
    return render_template("core/index.html", summary=summary)


@bp.get("/healthz")
@public
def health():
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.get("/audit")
@require(Permission.AUDIT_READ)
def audit_log():
    object_type = request.args.get("object_type", "")
    actor = (request.args.get("actor") or "").strip()
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if object_type in OBJECT_LABELS:
        query = query.where(AuditEntry.object_type == object_type)
    if actor:
        query = query.where(AuditEntry.actor_name == actor)
    page = paginate(query, request.args)
    return render_template(
        "core/audit.html", page=page, object_labels=OBJECT_LABELS, action_labels=ACTION_LABELS,
        object_type=object_type, actor=actor, field_labels=_field_labels(),
    )
