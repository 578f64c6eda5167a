"""Pages: policies (组织部, admin), claims and their chain, the talent's own, the ledger and export."""


from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from talent.allowances import ledger, operations
from talent.allowances.forms import ClaimForm, ClaimMoveForm, PolicyForm
from talent.allowances.models import PERIODS, STATUSES, STEPS, AllowanceClaim, AllowancePolicy, ClaimFile
from talent.core import audit, timeutil, uploads
from talent.core.errors import StaleEdit
from talent.core.forms import MaterialForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE
from talent.core.validators import bounded_int
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("allowances", __name__)

FIELD_LABELS = {
    "name": "政策名称",
    "document_no": "文号",
    "amount": "金额",
    "period": "发放方式",
    "months": "享受期限（月）",
    "budget": "年度预算",
    "year": "施行年度",
    "eligibility": "申领条件",
    "chain": "审批环节",
    "note": "说明",
    "active": "受理申请",
    "policy_id": "政策",
    "policy_version": "政策版本",
    "talent_id": "人才",
    "status": "状态",
    "approved_amount": "核拨金额",
    "paid_amount": "发放金额",
    "paid_on": "发放日期",
    "voucher_no": "凭证号",
    "budget_override": "超预算说明",
    "stopped_on": "停发日期",
    "period_from": "起始月份",
    "period_to": "截止月份",
}
MOVE_LABELS = {
    "reviewed": "审核通过",
    "rechecked": "复核通过",
    "approved": "核拨",
    "paid": "登记发放",
    "returned": "退回修改",
    "rejected": "不予发放",
    "submitted": "重新提交",
}


# --- policies -------------------------------------------------------------------------------------


@bp.get("/allowances/policies")
@require(Permission.ALLOWANCE_POLICIES_MANAGE)
def policy_list():
    return render_template("allowances/policies.html", policies=operations.policies(), periods=PERIODS)


def _policy_form_page(policy: AllowancePolicy | None):
    if policy is not None and request.method == "GET":
        c = policy.current
        form = PolicyForm(
            data={
                "name": c.name,
                "document_no": c.document_no,
                "amount": c.amount,
                "period": c.period,
                "months": c.months,
                "budget": c.budget,
                "year": c.year,
                "tiers": c.eligibility.get("tiers") or [],
                "categories": c.eligibility.get("categories") or [],
                "educations": c.eligibility.get("educations") or [],
                "introduced_within_years": c.eligibility.get("introduced_within_years"),
                "chain": c.chain,
                "active": policy.active,
                "version": policy.version,
            }
        )
    else:
        form = PolicyForm(data=None if policy else {"year": timeutil.today().year, "chain": list(STEPS)})
    if form.validate_on_submit():
        if policy is None:
            policy = operations.create_policy(acting_user(), form.values())
        else:
            try:
                operations.update_policy(acting_user(), policy, form.values(), form.version.data)
            except StaleEdit as error:
                db.session.rollback()
                flash(error.message, "danger")
                return redirect(url_for(".policy_edit", policy_id=policy.id))
        db.session.commit()
        flash(f"已保存“{policy.current.name}”（第{policy.current.number}版）", "success")
        return redirect(url_for(".policy_edit", policy_id=policy.id))
    return render_template("allowances/policy_form.html", form=form, policy=policy, periods=PERIODS)


@bp.route("/allowances/policies/new", methods=["GET", "POST"])
@require(Permission.ALLOWANCE_POLICIES_MANAGE)
def policy_new():
    return _policy_form_page(None)


@bp.route("/allowances/policies/<int:policy_id>", methods=["GET", "POST"])
@require(Permission.ALLOWANCE_POLICIES_MANAGE)
def policy_edit(policy_id: int):
    return _policy_form_page(db.session.get(AllowancePolicy, policy_id) or abort(404))


# --- claims ---------------------------------------------------------------------------------------


def _claim(claim_id: int) -> AllowanceClaim:
    query = operations.visible_to(acting_user()).where(AllowanceClaim.id == claim_id)
    return db.session.scalar(query) or abort(404)


@bp.get("/allowances/claims")
@require(Permission.ALLOWANCES)
def claim_list():
    status = request.args.get("status", "")
    query = operations.visible_to(acting_user())
    if status in STATUSES:
        query = query.where(AllowanceClaim.status == status)
    talent_id = bounded_int(request.args.get("talent_id"))
    if talent_id:
        query = query.where(AllowanceClaim.talent_id == talent_id)
    page = paginate(query.order_by(AllowanceClaim.id.desc()), request.args)
    return render_template(
        "allowances/claims.html", page=page, status=status, statuses=STATUSES, talent_id=talent_id or ""
    )


@bp.route("/allowances/claims/new", methods=["GET", "POST"])
@require(Permission.ALLOWANCES_FILE)
def claim_new():
    user = acting_user()
    form = ClaimForm(policy_choices=operations.policy_choices())
    if form.validate_on_submit():
        talent_id = user.talent_id if user.role == "talent" else bounded_int(form.talent_id.data)
        talent = db.session.get(Talent, talent_id or 0)
        if talent is None:
            form.talent_id.errors = ["请填写正确的人才编号"]
        else:
            claim = operations.file_claim(
                user,
                db.session.get(AllowancePolicy, form.policy_id.data),
                talent,
                form.period_from.data,
                form.period_to.data,
                form.note.data or "",
                request.files.getlist(form.files.name),
            )
            db.session.commit()
            flash(f"已提交申请，计算金额 {claim.amount:,.2f} 元", "success")
            return redirect(url_for(".claim_detail", claim_id=claim.id))
    return render_template("allowances/claim_form.html", form=form, for_self=user.role == "talent")


@bp.get("/allowances/claims/<int:claim_id>")
@require(Permission.ALLOWANCES)
def claim_detail(claim_id: int):
    claim = _claim(claim_id)
    user = acting_user()
    computation = operations.compute_for(
        claim.policy_version, claim.talent, claim.period_from, claim.period_to, claim.stopped_on
    )
    return render_template(
        "allowances/claim_detail.html",
        claim=claim,
        computation=computation,
        moves=operations.holder_steps(user, claim),
        move_labels=MOVE_LABELS,
        form=ClaimMoveForm(data={"version": claim.version, "paid_on": timeutil.today()}),
        steps=STEPS,
        next_step=operations.next_step(claim),
        periods=PERIODS,
        history=audit.history("allowance_claims", claim.id),
        material_form=MaterialForm(),
        may_add=claim.status in operations.OPEN_STATUSES and operations.is_submitter_side(user, claim),
    )


@bp.post("/allowances/claims/<int:claim_id>/files")
@require(Permission.ALLOWANCES)
def claim_add_files(claim_id: int):
    return uploads.add_from_form(_claim(claim_id), operations.add_material,
                                   url_for(".claim_detail", claim_id=claim_id))


@bp.get("/allowances/claims/<int:claim_id>/materials/<int:material_id>")
@require(Permission.ALLOWANCES)
def claim_file(claim_id: int, material_id: int):
    claim = _claim(claim_id)
    row = db.session.get(ClaimFile, material_id)
    if row is None or row.claim_id != claim.id:
        abort(404)
    return uploads.download(operations.MATERIAL_KIND, row.key, row.filename, row.content_type)


@bp.post("/allowances/claims/<int:claim_id>/transition")
@require(Permission.ALLOWANCES)
def claim_transition(claim_id: int):
    claim = _claim(claim_id)
    form = ClaimMoveForm()
    if not form.validate_on_submit():
        flash("；".join(m for messages in form.errors.values() for m in messages), "danger")
        return redirect(url_for(".claim_detail", claim_id=claim_id))
    operations.transition(
        acting_user(),
        claim,
        form.to.data,
        form.note.data or "",
        form.version.data,
        amount=form.amount.data,
        paid_on=form.paid_on.data,
        voucher_no=form.voucher_no.data or "",
        budget_override=form.budget_override.data or "",
    )
    db.session.commit()
    flash(f"已办理：{claim.status_label}", "success")
    return redirect(url_for(".claim_detail", claim_id=claim_id))


@bp.get("/me/allowances")
@require(Permission.PORTAL)
def mine():
    user = acting_user()
    claims = list(db.session.scalars(operations.visible_to(user).order_by(AllowanceClaim.period_from.desc())))
    paid = sum((c.paid_amount for c in claims if c.status == "paid"), start=ledger.ZERO)
    return render_template("allowances/mine.html", claims=claims, paid=paid)


# --- ledger ---------------------------------------------------------------------------------------


def _year() -> int:
    return bounded_int(request.args.get("year"), 2000, 2100) or timeutil.today().year


@bp.get("/allowances/ledger")
@require(Permission.ALLOWANCES_LEDGER)
def ledger_page():
    user, year = acting_user(), _year()
    page = bounded_int(request.args.get("page"), 1, 100000) or 1
    talents, total = ledger.by_talent(year, user, (page - 1) * 50, 50)
    policies = ledger.by_policy(year, user)
    return render_template(
        "allowances/ledger.html",
        year=year,
        policies=policies,
        talents=talents,
        total=total,
        page=page,
        pages=max(1, -(-total // 50)),
        totals=ledger.totals(year, user, policies),
    )


@bp.get("/allowances/ledger.xlsx")
@require(Permission.ALLOWANCES_LEDGER)
@reads_replica(exact=True)
def ledger_export():
    user, year = acting_user(), _year()
    output, rows = ledger.workbook(year, user)
    audit.record_export(
        user, "allowance_claims", f"{year}年津贴补贴发放明细", {"year": year}, rows, full_id_numbers=False
    )
    db.session.commit()
    response = send_file(
        output,
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=f"津贴补贴发放明细-{year}-{timeutil.file_stamp()}.xlsx",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
