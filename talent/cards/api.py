"""Card API of DESIGN.md: issue, read, revoke (and renew, re-issue), QR, eligibility, public verify."""
from flask import Blueprint, abort, request, url_for

from talent.cards import eligibility as stored
from talent.cards import operations as cards
from talent.cards import rules as card_rules
from talent.cards.models import Card
from talent.cards.verification import qr_response, verify_allowed, verify_token
from talent.core.api import json_body, page_envelope
from talent.core.errors import ApiError
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, public, require
from talent.core.validators import bounded_int
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("cards_api", __name__, url_prefix="/api/v1")


def _card(card_id: int) -> Card:
    return db.get_or_404(Card, card_id)


def _committed(result):
    """A card operation's result once it is committed (a refusal never gets here: the app
    answers ``Refused`` with the API's 409/422)."""
    db.session.commit()
    return result


def _card_body(card: Card) -> dict:
    return {**card.to_dict(), "qr_png": url_for(".card_qr", card_id=card.id)}


@bp.get("/talents/<int:talent_id>/eligibility")
@require(Permission.ELIGIBILITY_READ)
def eligibility(talent_id: int):
    user = acting_user()
    talent = db.get_or_404(Talent, talent_id)
    own = user.can(Permission.PORTAL) and user.talent_id == talent.id
    if not (user.can(Permission.CARDS_READ) or own):
        abort(403)
    return {"talent_id": talent.id, "rule_version": cards.current_rule_set().version,
            **cards.eligibility(talent).as_dict()}


@bp.get("/cards/recommended")
@require(Permission.CARDS_READ)
def recommended():
    """The 推荐发放名单 (stored eligibility under the rule version in force); ``complete`` is
    false while the worker is still recomputing everyone after a rule change."""
    rule_set = cards.current_rule_set()
    page = paginate(cards.recommended_query(), request.args)
    run = stored.progress(rule_set.version)

    def item(talent: Talent) -> dict:
        verdict = card_rules.evaluate(talent, rule_set.rules)
        return {"talent_id": talent.id, "name": talent.name, "employer": talent.employer,
                "tier": verdict.tier, "tier_name": verdict.tier_name, "reasons": verdict.reasons()}

    return {**page_envelope(page, item), "rule_version": rule_set.version,
            "complete": bool(run and run.finished_at), "computed": run.done if run else 0,
            "talents": run.total if run else 0}


@bp.post("/cards")
@require(Permission.CARDS_ISSUE)
def issue():
    data = json_body()
    talent_id = data.get("talent_id")
    if not isinstance(talent_id, int) or isinstance(talent_id, bool):
        raise ApiError(422, fields={"talent_id": ["应为人才编号（整数）"]})
    talent = db.session.get(Talent, talent_id) if bounded_int(talent_id) else None
    if talent is None:
        raise ApiError(422, fields={"talent_id": ["没有这个人才编号"]})
    card = _committed(cards.issue_card(acting_user(), talent))
    return _card_body(card), 201, {"Location": url_for(".card_show", card_id=card.id)}


@bp.get("/cards/<int:card_id>")
@require(Permission.CARDS_READ)
def card_show(card_id: int):
    return _card_body(_card(card_id))


@bp.post("/cards/<int:card_id>/revoke")
@require(Permission.CARDS_ISSUE)
def revoke(card_id: int):
    card = _card(card_id)
    reason = json_body().get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(422, fields={"reason": ["注销必须填写原因"]})
    return _card_body(_committed(cards.revoke_card(acting_user(), card, reason)))


@bp.post("/cards/<int:card_id>/renew")
@require(Permission.CARDS_ISSUE)
def renew(card_id: int):
    return _card_body(_committed(cards.renew_card(acting_user(), _card(card_id))))


@bp.post("/cards/<int:card_id>/reissue")
@require(Permission.CARDS_ISSUE)
def reissue(card_id: int):
    new = _committed(cards.reissue_card(acting_user(), _card(card_id)))
    return _card_body(new), 201, {"Location": url_for(".card_show", card_id=new.id)}


@bp.post("/cards/<int:card_id>/upgrade")
@require(Permission.CARDS_ISSUE)
def upgrade(card_id: int):
    """升档 ``{tier, version, new_term?}``: ``version`` is the rule version the client evaluated
    against (``rule_version`` of the eligibility answer); a newer one in force is 409 ``stale``."""
    card = _card(card_id)
    data = json_body()
    tier, version, new_term = data.get("tier"), data.get("version"), data.get("new_term", False)
    problems = {}
    if not isinstance(tier, str) or not tier.strip():
        problems["tier"] = ["请给出要升到的类别，如 \"A\""]
    if not isinstance(version, int) or isinstance(version, bool) or bounded_int(version) is None:
        problems["version"] = ["应为所依据的发卡规则版本号（整数）"]
    if not isinstance(new_term, bool):
        problems["new_term"] = ["应为 true 或 false"]
    if problems:
        raise ApiError(422, fields=problems)
    new = _committed(cards.upgrade_card(acting_user(), card, tier.strip().upper(), version, new_term))
    return _card_body(new), 201, {"Location": url_for(".card_show", card_id=new.id)}


@bp.get("/cards/<int:card_id>/qr.png")
@require(Permission.CARDS_READ)
def card_qr(card_id: int):
    return qr_response(_card(card_id))


@bp.get("/cards/verify/<token>")
@public
def verify(token: str):
    if not verify_allowed():
        raise ApiError(429, "核验过于频繁，请稍后再试")
    return verify_token(token[:500], channel="api").as_dict()
