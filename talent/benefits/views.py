"""The window page a clerk opens by scanning a card, and 组织部's redemption figures."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from talent.benefits import operations
from talent.benefits.forms import RedeemForm
from talent.cards import rules as card_rules
from talent.cards.lookup import card_token_for_code
from talent.cards.verification import card_for_token
from talent.core import timeutil
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.extensions import db

bp = Blueprint("benefits", __name__)


def _card(token: str):
    return card_for_token(token) or abort(404)


def _page(token: str, card, form: RedeemForm, repeat_warning: str = ""):
    user = acting_user()
    return render_template(
        "benefits/window.html", token=token, card=card, form=form, repeat_warning=repeat_warning,
        tier_name=card_rules.tier_name(card.rule_set.rules, card.tier),
        benefits=operations.window_benefits(card, user),
        history=operations.history(user, card=card))


@bp.get("/window")
@require(Permission.BENEFITS_REDEEM)
def scan():
    """The desk scanner's box: a USB scanner types the QR's address (or a clerk the card number)
    and Enter; the window page of that card follows."""
    code = (request.args.get("code") or "").strip()[:600]
    if not code:
        return render_template("benefits/scan.html", code="", problem="")
    token, problem = card_token_for_code(code)
    if token is None:
        return render_template("benefits/scan.html", code=code, problem=problem), 404
    return redirect(url_for("benefits.window", token=token))


@bp.get("/window/<token>")
@require(Permission.BENEFITS_REDEEM)
def window(token: str):
    card = _card(token)
    kinds = [b.kind for b in operations.window_benefits(card, acting_user())]
    return _page(token, card, RedeemForm(kinds=kinds))


@bp.post("/window/<token>")
@require(Permission.BENEFITS_REDEEM)
def redeem(token: str):
    card = _card(token)
    user = acting_user()
    form = RedeemForm(kinds=[b.kind for b in operations.window_benefits(card, user)])
    if not form.validate_on_submit():
        return _page(token, card, form), 422
    try:
        operations.redeem(user, card, form.kind.data, form.redeemed_on.data, form.note.data or "",
                          repeat_reason=form.repeat_reason.data or "")
    except operations.RepeatRedemption as repeat:
        return _page(token, card, form, repeat_warning=repeat.message)
    db.session.commit()
    flash(f"已记录：{card.talent.name} 本次待遇兑现", "success")
    return redirect(url_for("benefits.window", token=token))


@bp.get("/benefits/figures")
@require(Permission.BENEFITS_REPORT)
@reads_replica
def figures():
    raw = request.args.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timeutil.today().year
    return render_template("benefits/figures.html", year=year, rows=operations.counts(year),
                           recent=operations.history(acting_user(), limit=50))
