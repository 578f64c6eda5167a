"""/api/v1/allowance-policies, /api/v1/allowance-claims, /api/v1/allowance-ledger.

Money travels as strings with two decimals ("1200.00"); a JSON number for money is refused, so
no amount ever passes through a float."""

from flask import Blueprint, abort, request, url_for

from talent.allowances import ledger, operations
from talent.allowances.forms import ClaimMoveForm, PolicyForm
from talent.allowances.models import STATUSES, AllowanceClaim, AllowancePolicy
from talent.core import timeutil
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("allowances_api", __name__, url_prefix="/api/v1")

MONEY_FIELDS = ("amount", "budget")
ELIGIBILITY_KEYS = ("tiers", "categories", "educations", "introduced_within_years")


def _strings_for_money(body: dict) -> None:
    bad = {
        k: ['金额请用字符串表示，如 "1200.00"']
        for k in MONEY_FIELDS
        if k in body and body[k] is not None and not isinstance(body[k], str)
    }
    if bad:
        raise ApiError(422, fields=bad)


def _flat_policy(body: dict) -> dict:
    """The API's nested ``eligibility`` object as the form's fields."""
    flat = {k: v for k, v in body.items() if k not in ("eligibility", "id", "version_id", "created_at")}
    eligibility = body.get("eligibility")
    if eligibility is not None:
        if not isinstance(eligibility, dict) or set(eligibility) - set(ELIGIBILITY_KEYS):
            raise ApiError(422, fields={"eligibility": [f"应为对象，键为 {'、'.join(ELIGIBILITY_KEYS)}"]})
        flat.update({k: v for k, v in eligibility.items() if v is not None})
    return flat


@bp.get("/allowance-policies")
@require(Permission.ALLOWANCES)
def policy_index():
    query = db.select(AllowancePolicy).order_by(AllowancePolicy.id)
    return page_envelope(paginate(query, request.args), AllowancePolicy.to_dict)


@bp.post("/allowance-policies")
@require(Permission.ALLOWANCE_POLICIES_MANAGE)
def policy_create():
    body = json_body()
    _strings_for_money(body)
    form = validated(PolicyForm, _flat_policy(body), base={"period": "monthly", "active": True})
    policy = operations.create_policy(acting_user(), form.values())
    db.session.commit()
    return policy.to_dict(), 201, {"Location": url_for(".policy_show", policy_id=policy.id)}


def _policy(policy_id: int) -> AllowancePolicy:
    return db.session.get(AllowancePolicy, policy_id) or abort(404)


@bp.get("/allowance-policies/<int:policy_id>")
@require(Permission.ALLOWANCES)
def policy_show(policy_id: int):
    policy = _policy(policy_id)
    return {
        **policy.to_dict(),
        "versions": [
            {
                "version": v.number,
                "name": v.name,
                "amount": f"{v.amount:.2f}",
                "budget": f"{v.budget:.2f}",
                "period": v.period,
                "months": v.months,
                "created_at": timeutil.iso_utc(v.created_at),
            }
            for v in policy.versions
        ],
    }


@bp.patch("/allowance-policies/<int:policy_id>")
@require(Permission.ALLOWANCE_POLICIES_MANAGE)
def policy_patch(policy_id: int):
    policy = _policy(policy_id)
    body = json_body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(
            422, "请提供读取政策时得到的 version", fields={"version": ["请提供读取时的 version（整数）"]}
        )
    _strings_for_money(body)
    current = policy.to_dict()
    base = {
        k: current[k]
        for k in ("name", "document_no", "amount", "period", "months", "budget", "year", "chain", "active")
    }
    base.update({k: v for k, v in (current["eligibility"] or {}).items() if v})
    form = validated(PolicyForm, {**_flat_policy(body), "version": version}, base=base)
    operations.update_policy(acting_user(), policy, form.values(), version)
    db.session.commit()
    return policy.to_dict()


# --- claims ---------------------------------------------------------------------------------------


def _claim(claim_id: int) -> AllowanceClaim:
    query = operations.visible_to(acting_user()).where(AllowanceClaim.id == claim_id)
    return db.session.scalar(query) or abort(404)


@bp.get("/allowance-claims")
@require(Permission.ALLOWANCES)
def claim_index():
    query = operations.visible_to(acting_user())
    if request.args.get("status") in STATUSES:
        query = query.where(AllowanceClaim.status == request.args["status"])
    for name in ("talent_id", "policy_id"):
        value = bounded_int(request.args.get(name))
        if value:
            query = query.where(getattr(AllowanceClaim, name) == value)
    year = bounded_int(request.args.get("year"), 2000, 2100)
    if year:
        query = query.where(AllowanceClaim.year == year)
    return page_envelope(
        paginate(query.order_by(AllowanceClaim.id.desc()), request.args), AllowanceClaim.to_dict
    )


@bp.post("/allowance-claims")
@require(Permission.ALLOWANCES_FILE)
def claim_create():
    from talent.allowances.forms import ClaimForm

    user = acting_user()
    body = json_body()
    data = {
        k: (str(v) if k in ("policy_id", "talent_id") and isinstance(v, int) else v) for k, v in body.items()
    }
    if user.role == "talent":
        if data.get("talent_id") not in (None, str(user.talent_id)):
            raise ApiError(403, "只能为本人申请")
        data["talent_id"] = str(user.talent_id)
    elif not data.get("talent_id"):
        raise ApiError(422, fields={"talent_id": ["请提供人才编号"]})
    form = validated(ClaimForm, data, policy_choices=operations.policy_choices())
    talent = db.session.get(Talent, bounded_int(form.talent_id.data) or 0)
    if talent is None:
        raise ApiError(422, fields={"talent_id": ["没有这个人才"]})
    claim = operations.file_claim(
        user,
        db.session.get(AllowancePolicy, form.policy_id.data),
        talent,
        form.period_from.data,
        form.period_to.data,
        form.note.data or "",
    )
    db.session.commit()
    return claim.to_dict(), 201, {"Location": url_for(".claim_show", claim_id=claim.id)}


@bp.get("/allowance-claims/<int:claim_id>")
@require(Permission.ALLOWANCES)
def claim_show(claim_id: int):
    claim = _claim(claim_id)
    computation = operations.compute_for(
        claim.policy_version, claim.talent, claim.period_from, claim.period_to, claim.stopped_on
    )
    return {
        **claim.to_dict(),
        "computation": [
            {"period": line.label, "basis": line.text, "amount": f"{line.amount:.2f}"}
            for line in computation.lines
        ],
    }


@bp.post("/allowance-claims/<int:claim_id>/transition")
@require(Permission.ALLOWANCES)
def claim_transition(claim_id: int):
    claim = _claim(claim_id)
    body = json_body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(
            422, "请提供读取申请时得到的 version", fields={"version": ["请提供读取时的 version（整数）"]}
        )
    _strings_for_money(body)
    form = validated(ClaimMoveForm, body)
    operations.transition(
        acting_user(),
        claim,
        form.to.data,
        form.note.data or "",
        version,
        amount=form.amount.data,
        paid_on=form.paid_on.data,
        voucher_no=form.voucher_no.data or "",
        budget_override=form.budget_override.data or "",
    )
    db.session.commit()
    return claim.to_dict()


@bp.get("/allowance-ledger")
@require(Permission.ALLOWANCES_LEDGER)
def ledger_show():
    user = acting_user()
    year = bounded_int(request.args.get("year"), 2000, 2100) or timeutil.today().year
    page = max(1, bounded_int(request.args.get("page"), 1, 100000) or 1)
    per_page = min(100, bounded_int(request.args.get("per_page"), 1, 100) or 50)
    talents, total = ledger.by_talent(year, user, (page - 1) * per_page, per_page)
    policies = ledger.by_policy(year, user)
    return {
        "year": year,
        "totals": ledger.totals(year, user, policies).as_dict(),
        "policies": [{"policy_id": r.key, "name": r.name, **r.as_dict()} for r in policies],
        "talents": {
            "items": [{"talent_id": r.key, "name": r.name, **r.as_dict()} for r in talents],
            "total": total,
            "page": page,
            "per_page": per_page,
        },
    }
