"""Cards about to expire: the list 组织部 works through, and the panel that points to it."""
from flask import render_template, request

from talent.cards import operations as cards
from talent.cards.views import bp
from talent.core.pagination import paginate
from talent.core.permissions import Permission, require
from talent.extensions import db


@bp.get("/expiring")
@require(Permission.CARDS_READ)
def expiring():
    query = cards.expiring_query()
    page = paginate(query, request.args)
    return render_template("cards/expiring.html", page=page, days=cards.EXPIRY_NOTICE_DAYS)


def expiring_panel(user):
    if not user.can(Permission.CARDS_ISSUE):
        return None
    count = db.session.scalar(db.select(db.func.count()).select_from(cards.expiring_query().subquery()))
    return {"count": count, "days": cards.EXPIRY_NOTICE_DAYS} if count else None
