"""The talent's own portal: profile, card and QR, benefits, eligibility, correction requests."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext

from talent.benefits import operations as benefits
from talent.cards import operations as cards
from talent.cards import rules as card_rules
from talent.cards.verification import dynamic_code, qr_response
from talent.core import audit, features, ratelimit, timeutil
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.portal.forms import CorrectionForm
from talent.registry import operations as registry
from talent.registry.models import CorrectionRequest, Talent
from talent.registry.photos import PhotoForm, save_uploaded_photo

bp = Blueprint("portal", __name__, url_prefix="/me")


def _own_talent() -> Talent:
    return db.get_or_404(Talent, acting_user().talent_id or 0)


@bp.get("")
@require(Permission.PORTAL)
def home():
    talent = _own_talent()
    card = cards.active_card(talent)
    history = cards.cards_of(talent)
    corrections = db.session.scalars(
        db.select(CorrectionRequest).where(CorrectionRequest.talent_id == talent.id)
        .order_by(CorrectionRequest.created_at.desc())).all()
    tier_name = card_rules.tier_name(card.rule_set.rules, card.tier) if card else ""
    showable = card is not None and card.shown_status == "active"
    return render_template(
        "portal/home.html", talent=talent, card=card, history=history, tier_name=tier_name,
        verdict=cards.eligibility(talent),
        benefits=cards.benefits_by_tier().get(card.tier, []) if card else [],
        events={c.id: audit.history("cards", c.id) for c in history},
        action_labels=features.audit_actions(), form=CorrectionForm(), corrections=corrections,
        expires_in_days=(card.expires_on - timeutil.today()).days if card else None,
        expiry_notice_days=cards.EXPIRY_NOTICE_DAYS,
        redemptions=benefits.history(acting_user(), limit=20),
        code=dynamic_code(card) if showable else None)


@bp.get("/qr.png")
@require(Permission.PORTAL)
def qr():
    card = cards.active_card(_own_talent())
    if card is None or card.shown_status != "active":
        abort(404)
    return qr_response(card)


@bp.get("/dynamic-code")
@require(Permission.PORTAL)
def fresh_dynamic_code():
    """A new dynamic code for the portal page's script, which asks shortly before the shown one
    lapses (and when the holder taps 刷新). Limited per account: a page left open refreshes a
    few times an hour; a script hammering the endpoint gets 429."""
    card = cards.active_card(_own_talent())
    if card is None or card.shown_status != "active":
        abort(404)
    config = current_app.config
    if not ratelimit.hit("dynamic-code", str(acting_user().id), config["DYNAMIC_CODE_REFRESH_LIMIT"],
                         config["DYNAMIC_CODE_REFRESH_WINDOW_SECONDS"]):
        return jsonify(error={"code": "rate_limited", "message": gettext("刷新过于频繁，请稍后再试")}), 429
    return jsonify(dynamic_code(card).as_dict())


@bp.post("/corrections")
@require(Permission.PORTAL)
def correction():
    talent = _own_talent()
    form = CorrectionForm()
    config = current_app.config
    if form.validate_on_submit():
        if not ratelimit.hit("correction", str(acting_user().id), config["CORRECTION_LIMIT"],
                             config["CORRECTION_WINDOW_SECONDS"]):
            flash(gettext("更正申请提交过于频繁，请稍后再试"), "warning")
            return redirect(url_for(".home"))
        registry.request_correction(acting_user(), talent, form.text.data)
        db.session.commit()
        flash(gettext("已提交更正申请，县委组织部核实后会更新您的档案"), "success")
    else:
        for message in form.text.errors:
            flash(message, "danger")
    return redirect(url_for(".home"))


@bp.post("/photo")
@require(Permission.PORTAL)
def photo():
    """The talent submits a photo; it is used once 组织部 approves it."""
    talent = _own_talent()
    form = PhotoForm()
    if form.validate_on_submit():
        registry.submit_photo(acting_user(), talent, save_uploaded_photo(form))
        db.session.commit()
        flash(gettext("照片已提交，县委组织部审核后将用于您的VIP卡"), "success")
    else:
        for message in form.photo.errors or [gettext("上传失败，请刷新页面后重试")]:
            flash(message, "danger")
    return redirect(url_for("portal.home"))
