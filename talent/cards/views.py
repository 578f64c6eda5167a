"""Card pages for 县委组织部 and the admin, and the public verification page."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import or_, select

from talent.cards import eligibility
from talent.cards import operations as cards
from talent.cards import rules as card_rules
from talent.cards.forms import BenefitForm, CardRuleForm, RevokeForm, UpgradeForm
from talent.cards.models import BENEFIT_KINDS, SHOWN_STATUSES, Card, CardScan
from talent.cards.verification import qr_response, scan_log, verify_allowed, verify_token, verify_url
from talent.core import audit, features, timeutil
from talent.core.errors import StaleEdit
from talent.core.forms import EmptyForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, public, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE, write_xlsx
from talent.core.validators import bounded_int
from talent.extensions import db
from talent.registry import choices
from talent.registry.models import Talent

bp = Blueprint("cards", __name__, url_prefix="/cards")

# Chinese names of what the card history records.
FIELD_LABELS = {"number": "卡号", "talent_id": "持卡人", "tier": "类别", "expires_on": "有效期至",
                "rule_version": "规则版本", "rule_set_id": "规则", "status": "状态",
                "revoked_on": "注销日期", "revoke_reason": "注销原因", "replaces": "原卡号"}


def _load_card(card_id: int) -> Card:
    return db.get_or_404(Card, card_id)


def _load_talent(talent_id: int) -> Talent:
    return db.get_or_404(Talent, talent_id)


# --- lists --------------------------------------------------------------------------------------

@bp.get("")
@require(Permission.CARDS_READ)
def card_list():
    q = (request.args.get("q") or "").strip()[:50]
    status = request.args.get("status", "")
    tier = request.args.get("tier", "")
    query = select(Card).join(Card.talent).order_by(Card.id.desc())
    if q:
        query = query.where(or_(Card.number.contains(q.upper(), autoescape=True),
                                Talent.name.contains(q, autoescape=True)))
    day = timeutil.today()
    if status == "expired":
        query = query.where(Card.status == "active", Card.expires_on < day)
    elif status == "active":
        query = query.where(Card.status == "active", Card.expires_on >= day)
    elif status in ("revoked", "replaced"):
        query = query.where(Card.status == status)
    if tier in card_rules.TIER_CODES:
        query = query.where(Card.tier == tier)
    page = paginate(query, request.args)
    return render_template("cards/list.html", page=page, q=q, status=status, tier=tier,
                           statuses=SHOWN_STATUSES, tiers=card_rules.TIER_CODES)


@bp.get("/recommended")
@require(Permission.CARDS_READ)
def recommended():
    rule_set = cards.current_rule_set()
    page = paginate(cards.recommended_query(), request.args)
    verdicts = {t.id: card_rules.evaluate(t, rule_set.rules) for t in page.items}
    return render_template("cards/recommended.html", page=page, verdicts=verdicts, rule_set=rule_set,
                           run=eligibility.progress(rule_set.version))


@bp.get("/recommended.xlsx")
@require(Permission.CARDS_READ)
@reads_replica(exact=True)
def recommended_export():
    rules = cards.current_rule_set().rules
    reveal = acting_user().can(Permission.ID_NUMBERS_FULL)
    talents = db.session.scalars(cards.recommended_query().execution_options(yield_per=1000))
    written = [0]

    def rows():
        for talent in talents:
            written[0] += 1
            verdict = card_rules.evaluate(talent, rules)
            yield [talent.id, talent.name, talent.shown_id_number(reveal), talent.employer,
                   talent.label_of("field"), talent.label_of("category"), talent.label_of("title_level"),
                   talent.label_of("education"), talent.label_of("programme_level"), verdict.tier_name,
                   "；".join(verdict.reasons()), talent.phone]

    output = write_xlsx("推荐发放名单", ["人才编号", "姓名", "证件号码", "工作单位", "专业领域", "人才类别",
                                    "职称等级", "学历", "入选人才计划", "建议类别", "符合依据", "联系电话"],
                        rows(), [10, 10, 22, 28, 20, 14, 10, 12, 14, 16, 40, 14])
    audit.record_export(acting_user(), "talents", "泷泊英才VIP卡推荐发放名单",
                        {"rule_version": cards.current_rule_set().version}, written[0], reveal)
    db.session.commit()
    stamp = timeutil.file_stamp("%Y%m%d")
    return send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"泷泊英才VIP卡推荐发放名单-{stamp}.xlsx")


@bp.get("/stale")
@require(Permission.CARDS_READ)
def stale():
    current = cards.current_rule_set()
    requested = bounded_int(request.args.get("version"))
    rule_set = cards.rule_version(requested) if requested is not None else None
    rule_set = rule_set or current
    return render_template("cards/stale.html", stale=cards.stale_cards(rule_set=rule_set),
                           rule_set=rule_set, current=current, versions=cards.rule_versions())


# --- one talent, one card -----------------------------------------------------------------------

@bp.get("/talents/<int:talent_id>")
@require(Permission.CARDS_READ)
def talent_cards(talent_id: int):
    talent = _load_talent(talent_id)
    return render_template("cards/talent.html", talent=talent, verdict=cards.eligibility(talent),
                           cards=cards.cards_of(talent), active=cards.active_card(talent),
                           rule_set=cards.current_rule_set())


@bp.post("/talents/<int:talent_id>/issue")
@require(Permission.CARDS_ISSUE)
def issue(talent_id: int):
    talent = _load_talent(talent_id)
    if EmptyForm().validate_on_submit():
        card = cards.issue_card(acting_user(), talent)  # a refusal: flash and back (core/errors.py)
        db.session.commit()
        flash(f"已向 {talent.name} 发放 {card.number}（{card.tier}类）", "success")
        return redirect(url_for(".card_detail", card_id=card.id))
    return redirect(url_for(".talent_cards", talent_id=talent.id))


@bp.get("/<int:card_id>")
@require(Permission.CARDS_READ)
def card_detail(card_id: int):
    card = _load_card(card_id)
    # Scans are written in batches: add what this worker holds, so a clerk who has just
    # scanned the card sees that scan counted (another worker's are written within seconds).
    scans = (db.session.scalar(select(db.func.count(CardScan.id)).where(CardScan.card_id == card.id))
             + scan_log.pending(card.id))
    return render_template(
        "cards/detail.html", card=card, benefits=cards.benefits_by_tier().get(card.tier, []),
        tier_name=card_rules.tier_name(card.rule_set.rules, card.tier), revoke_form=RevokeForm(),
        history=audit.history("cards", card.id), action_labels=features.audit_actions(), scans=scans,
        field_labels=FIELD_LABELS, upgrades=_upgrade_choices(card),
        verify_url=verify_url(card))


def _upgrade_choices(card: Card) -> dict:
    """The higher tiers the holder now meets, for the 升档 buttons (none: no buttons)."""
    if card.status_on() != "active":
        return {"tiers": [], "rule_set": None}
    rule_set = cards.current_rule_set()
    rules = rule_set.rules
    verdict = card_rules.evaluate(card.talent, rules)
    reachable = card_rules.tier_rank(rules, verdict.tier)
    tiers = [(t["code"], t["name"]) for t in rules["tiers"]
             if reachable <= card_rules.tier_rank(rules, t["code"]) < card_rules.tier_rank(rules, card.tier)]
    new_term_ends = cards.term_end(timeutil.today())
    return {"tiers": tiers, "rule_set": rule_set, "form": UpgradeForm(),
            "current_name": card_rules.tier_name(rules, card.tier), "new_term_ends": new_term_ends}


def _done(card: Card, message: str):
    """Commit a card action and show the card it left (a refusal never gets here: the app
    answers ``Refused`` with a flash message and a redirect back)."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".card_detail", card_id=card.id))


@bp.post("/<int:card_id>/renew")
@require(Permission.CARDS_ISSUE)
def renew(card_id: int):
    card = cards.renew_card(acting_user(), _load_card(card_id))
    return _done(card, f"已续期：{card.number} 有效期至 {card.expires_on}")


@bp.post("/<int:card_id>/upgrade")
@require(Permission.CARDS_ISSUE)
def upgrade(card_id: int):
    card = _load_card(card_id)
    form = UpgradeForm()
    if not form.validate_on_submit():
        flash("请选择要升到的类别", "danger")
        return redirect(url_for(".card_detail", card_id=card.id))
    new = cards.upgrade_card(acting_user(), card, form.tier.data, form.rule_version.data,
                             new_term=form.starts_new_term)
    return _done(new, f"已升档：{card.number}（{card.tier}类）换发 {new.number}（{new.tier}类），"
                      f"有效期至 {new.expires_on}；原卡二维码已失效，已通知持卡人")


@bp.post("/<int:card_id>/reissue")
@require(Permission.CARDS_ISSUE)
def reissue(card_id: int):
    new = cards.reissue_card(acting_user(), _load_card(card_id))
    return _done(new, f"已补办新卡 {new.number}，原卡二维码已失效")


@bp.post("/<int:card_id>/revoke")
@require(Permission.CARDS_ISSUE)
def revoke(card_id: int):
    form = RevokeForm()
    if not form.validate_on_submit():
        _load_card(card_id)
        flash("注销必须填写原因", "danger")
        return redirect(url_for(".card_detail", card_id=card_id))
    card = cards.revoke_card(acting_user(), _load_card(card_id), form.reason.data)
    return _done(card, f"已注销 {card.number}")


@bp.get("/<int:card_id>/print")
@require(Permission.CARDS_READ)
def print_card(card_id: int):
    card = _load_card(card_id)
    size = "cr80" if request.args.get("size") == "cr80" else "a4"
    return render_template("cards/print.html", card=card, size=size,
                           benefits=cards.benefits_by_tier().get(card.tier, []),
                           tier_name=card_rules.tier_name(card.rule_set.rules, card.tier))


@bp.get("/<int:card_id>/qr.png")
@require(Permission.CARDS_READ)
def card_qr(card_id: int):
    return qr_response(_load_card(card_id), download=request.args.get("download") == "1")


# --- rules and benefits (admin) -----------------------------------------------------------------

@bp.get("/rules")
@require(Permission.CARD_RULES_MANAGE)
def rules_page():
    return render_template("cards/rules.html", versions=cards.rule_versions(),
                           current=cards.current_rule_set(), benefits=cards.benefits_by_tier(),
                           kinds=BENEFIT_KINDS, list_criteria=card_rules.LIST_CRITERIA,
                           choices=choices, today=timeutil.today())


@bp.route("/rules/new", methods=["GET", "POST"])
@require(Permission.CARD_RULES_MANAGE)
def rules_new():
    current = cards.current_rule_set()
    form = CardRuleForm(data={**CardRuleForm.data_from(current.rules), "effective_on": timeutil.today(),
                              "based_on": cards.newest_rule_version()})
    stale = None
    if form.validate_on_submit():
        try:
            rule_set = cards.create_rule_version(acting_user(), form.rules(), form.effective_on.data,
                                                 form.note.data or "", based_on=form.based_on.data)
        except StaleEdit as error:
            newer = cards.rule_version(error.current_version)
            stale = [("发卡规则", f"第{newer.version}版（{newer.effective_on} 起生效）{newer.note}"
                      if newer else "已有更新的版本", f"基于第{form.based_on.data}版的修改")]
            form.based_on.data = error.current_version
        except cards.CardError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已保存发卡规则第 {rule_set.version} 版，{rule_set.effective_on} 起生效", "success")
            return redirect(url_for(".rules_page"))
    return render_template("cards/rule_form.html", form=form, current=current, stale=stale,
                           list_keys=CardRuleForm.LIST_KEYS)


@bp.route("/benefits", methods=["GET", "POST"])
@require(Permission.CARD_RULES_MANAGE)
def benefits_edit():
    grouped = cards.benefits_by_tier()
    shown = [b for items in grouped.values() for b in items]
    data = {f"{b.tier}_{b.kind}": b.text for b in shown}
    data.update({f"{b.tier}_{b.kind}_frequency": b.frequency for b in shown})
    form = BenefitForm(data={**data, "versions": cards.benefit_versions(shown)})
    stale = None
    if form.validate_on_submit():
        seen = form.seen_versions()
        try:
            changed = cards.update_benefits(acting_user(), form.texts(), seen=seen,
                                            frequencies=form.frequencies())
        except StaleEdit:
            stale = [(f"{b.tier}类·{b.kind_label}", b.text or "（空）",
                      form.texts().get((b.tier, b.kind)) or "（空）")
                     for b in cards.changed_benefits(seen)]
            form.versions.data = cards.benefit_versions(shown)
        else:
            db.session.commit()
            flash(f"已保存待遇说明（修改 {changed} 项）", "success")
            return redirect(url_for(".rules_page"))
    return render_template("cards/benefits.html", form=form, kinds=BENEFIT_KINDS, stale=stale,
                           tiers=card_rules.TIER_CODES)


# --- public verification ------------------------------------------------------------------------

@bp.get("/verify/<token>")
@public
def verify(token: str):
    return _verify_page(token, dynamic=False)


@bp.get("/verify/live/<token>")
@public
def verify_dynamic(token: str):
    """The portal's dynamic code: the same page, once its signature and age are good."""
    return _verify_page(token, dynamic=True)


def _verify_page(token: str, dynamic: bool):
    # The server's time of this check, to the second: a screenshot of an old check shows its age.
    checked_at = timeutil.local_now().strftime("%Y-%m-%d %H:%M:%S")
    if not verify_allowed():
        return render_template("cards/verify.html", result=None, limited=True, checked_at=checked_at), 429
    result = verify_token(token[:500], channel="dynamic" if dynamic else "page", dynamic=dynamic)
    # A clerk continues with the card's own (static) token: the window page may take longer
    # than a dynamic code lives, and the clerk has just seen it verified.
    return render_template("cards/verify.html", result=result, limited=False, dynamic=dynamic,
                           checked_at=checked_at,
                           staff_window_url=_window_url(result.static_token) if result.valid else None,
                           org_contact_phone=current_app.config.get("ORG_CONTACT_PHONE", ""))


def _window_url(token: str) -> str | None:
    """Signed-in window clerks continue to the full record; the anonymous public never sees it.

    Only a request that already carries a session is asked who it is, so an anonymous scan still
    gets no session cookie.
    """
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    user = acting_user()
    if user is None or not user.can(Permission.BENEFITS_REDEEM):
        return None
    if "benefits.window" not in current_app.view_functions:  # the window feature is optional
        return None
    return url_for("benefits.window", token=token)
