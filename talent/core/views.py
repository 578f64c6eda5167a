"""The landing page, the dashboard and the audit log."""
from collections import Counter

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


BREAKDOWNS = ("category", "field", "education")


def _talent_summary() -> dict:
    """The dashboard's figures from one pass over the active talents (a few hundred groups at most)."""
    introduced = (Talent.source == "introduced").label("introduced")
    foreign = (Talent.nationality != "CN").label("foreign")
    columns = [getattr(Talent, c) for c in BREAKDOWNS]
    groups = db.session.execute(
        select(*columns, introduced, foreign, func.count().label("n"))
        .where(Talent.status == "active").group_by(*columns, introduced, foreign)
    ).all()
    by = {}
    for column in BREAKDOWNS:
        counts = Counter()
        for row in groups:
            counts[getattr(row, column)] += row.n
        by[column] = [(label, counts[code]) for code, label in choices.CHOICE_SETS[column].items()]
    return {
        "active": sum(row.n for row in groups),
        "left": db.session.scalar(select(func.count()).where(Talent.status == "left")) or 0,
        "introduced": sum(row.n for row in groups if row.introduced),
        "foreign": sum(row.n for row in groups if row.foreign),
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
