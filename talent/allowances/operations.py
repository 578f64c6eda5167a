"""Allowance policies and claims: versions, the amount, the chain, four-eyes, payment and budget.

Who acts at each step (the chain of a policy is a subset of these, in this order, then 已发放):
- ``reviewed``  组织部（人才办） (role org);
- ``rechecked`` 县人社局 staff;
- ``approved``  县财政局 staff (核拨), who also record the payment (``paid``).
The administrator may act at every step. Whoever submitted a claim never approves it (four-eyes).

Years: a claim lies inside one calendar year (its ``year``); "a year's payments" and the ledger's
year are the claims of that year, so the ledger, the budget and the export add up the same way.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import false, func, select

from talent.allowances import amounts, eligibility
from talent.allowances.models import (
    DEFAULT_CHAIN,
    OPEN_STATUSES,
    STEPS,
    AllowanceClaim,
    AllowancePolicy,
    ClaimFile,
    ClaimStep,
    PolicyVersion,
)
from talent.auth.models import Unit
from talent.core import audit, timeutil, uploads
from talent.core.db import check_version
from talent.core.errors import Refused
from talent.employers import operations as employers
from talent.extensions import db
from talent.notifications.operations import notify, notify_talent, role_users, unit_users
from talent.registry.models import Talent

MATERIAL_KIND = "allowanceclaims"  # the folder under UPLOAD_DIR
STEP_UNITS = {"rechecked": "县人社局", "approved": "县财政局", "paid": "县财政局"}
MAX_MONTHS = 12


class AllowanceError(Refused):
    status = 422


class NotYours(Refused):
    status = 403
    code = "forbidden"


# --- policies -----------------------------------------------------------------------------------


def _check_policy(values: Mapping) -> None:
    problems = eligibility.validate(values.get("eligibility") or {})
    chain = values.get("chain") or DEFAULT_CHAIN
    if (
        not chain
        or any(step not in STEPS for step in chain)
        or chain != sorted(chain, key=list(STEPS).index)
        or len(set(chain)) != len(chain)
    ):
        problems.append("审批环节应为 reviewed、rechecked、approved 中的一个或多个，按此顺序")
    if problems:
        raise AllowanceError("；".join(problems), fields={"eligibility": problems})


def create_policy(actor, values: Mapping) -> AllowancePolicy:
    _check_policy(values)
    policy = AllowancePolicy(active=values.get("active", True))
    db.session.add(policy)
    policy.versions.append(
        PolicyVersion(number=1, created_by_id=getattr(actor, "id", None), **_version_values(values))
    )
    db.session.flush()
    audit.record(actor, "create", policy, audit.snapshot(_audited(values)), summary=values["name"])
    return policy


VERSION_FIELDS = (
    "name",
    "document_no",
    "amount",
    "period",
    "months",
    "budget",
    "year",
    "eligibility",
    "chain",
    "note",
)


def _version_values(values: Mapping) -> dict:
    out = {k: values[k] for k in VERSION_FIELDS if k in values}
    out.setdefault("chain", list(DEFAULT_CHAIN))
    out.setdefault("eligibility", {})
    return out


def _audited(values: Mapping) -> dict:
    return {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in values.items()}


def update_policy(actor, policy: AllowancePolicy, values: Mapping, version: int | None) -> PolicyVersion:
    """A change is a new version; claims keep the version they were made under."""
    check_version(policy, version)
    merged = {k: getattr(policy.current, k) for k in VERSION_FIELDS}
    merged.update({k: v for k, v in values.items() if k in VERSION_FIELDS})
    _check_policy(merged)
    before = {k: getattr(policy.current, k) for k in VERSION_FIELDS}
    changed = {
        k: [_audited({k: before[k]})[k], _audited({k: merged[k]})[k]]
        for k in VERSION_FIELDS
        if before[k] != merged[k]
    }
    if "active" in values and values["active"] != policy.active:
        changed["active"] = [policy.active, values["active"]]
        policy.active = values["active"]
    if not changed:
        return policy.current
    new = PolicyVersion(
        number=policy.current.number + 1, created_by_id=getattr(actor, "id", None), **_version_values(merged)
    )
    policy.versions.append(new)
    policy.version += 1
    db.session.flush()
    audit.record(actor, "update", policy, changed, summary=f"{new.name} 第{new.number}版")
    return new


def policies(active_only: bool = False) -> list[AllowancePolicy]:
    query = select(AllowancePolicy).order_by(AllowancePolicy.id)
    if active_only:
        query = query.where(AllowancePolicy.active.is_(True))
    return list(db.session.scalars(query))


def policy_choices() -> list[tuple[int, str]]:
    return [(p.id, p.current.name) for p in policies(active_only=True)]


# --- who sees which claims ----------------------------------------------------------------------


def _unit_name(user) -> str | None:
    return db.session.scalar(select(Unit.name).where(Unit.id == user.unit_id)) if user.unit_id else None


def visible_to(user):
    query = select(AllowanceClaim)
    role = getattr(user, "role", None)
    if role in ("org", "admin"):
        return query
    if role == "talent" and user.talent_id:
        return query.where(AllowanceClaim.talent_id == user.talent_id)
    if role == "employer" and user.employer_id:
        return query.where(AllowanceClaim.talent_id.in_(employers.staff_ids(user.employer_id)))
    if role == "unit" and _unit_name(user) in STEP_UNITS.values():
        return query
    return query.where(false())


# --- claims -------------------------------------------------------------------------------------


def period_bounds(period_from: date, period_to: date) -> tuple[date, date]:
    return period_from.replace(day=1), amounts.month_end(period_to)


def compute_for(
    version: PolicyVersion, talent: Talent, period_from: date, period_to: date, stopped_on: date | None = None
) -> amounts.Computation:
    return amounts.compute(
        version.period,
        version.amount,
        version.year,
        version.months,
        talent.introduced_on if talent.source == "introduced" else None,
        period_from,
        period_to,
        stopped_on,
    )


def _overlapping(policy_id: int, talent_id: int, first: date, last: date, exclude: int | None = None):
    query = select(AllowanceClaim).where(
        AllowanceClaim.policy_id == policy_id,
        AllowanceClaim.talent_id == talent_id,
        AllowanceClaim.status != "rejected",
        AllowanceClaim.period_from <= last,
        AllowanceClaim.period_to >= first,
    )
    if exclude is not None:
        query = query.where(AllowanceClaim.id != exclude)
    return db.session.scalar(query.limit(1))


def file_claim(
    actor,
    policy: AllowancePolicy,
    talent: Talent,
    period_from: date,
    period_to: date,
    note: str = "",
    files=(),
) -> AllowanceClaim:
    role = getattr(actor, "role", None)
    if role == "talent" and actor.talent_id != talent.id:
        raise NotYours("只能为本人申请")
    if role not in ("talent", "org", "admin", None):
        raise NotYours("只有人才本人或县委组织部可以提出申请")
    if not policy.active:
        raise AllowanceError("该政策已停止受理", fields={"policy_id": ["该政策已停止受理"]})
    first, last = period_bounds(period_from, period_to)
    if first > last:
        raise AllowanceError("起始月份不能晚于截止月份", fields={"period_to": ["起始月份不能晚于截止月份"]})
    if first.year != last.year:
        raise AllowanceError(
            "一份申请只能在同一年度内（跨年请分开申请）", fields={"period_to": ["不能跨年度"]}
        )
    version = policy.current
    if version.period == "once" and first.month != last.month:
        raise AllowanceError("一次性补贴只申请一个月份", fields={"period_to": ["一次性补贴只申请一个月份"]})
    if version.period == "once" and db.session.scalar(
        select(AllowanceClaim.id)
        .where(
            AllowanceClaim.policy_id == policy.id,
            AllowanceClaim.talent_id == talent.id,
            AllowanceClaim.status != "rejected",
        )
        .limit(1)
    ):
        raise AllowanceError("一次性补贴每人只能申领一次")
    ok, checks = eligibility.eligible(version.eligibility, talent, timeutil.today())
    if not ok:
        unmet = [c.detail for c in checks if not c.met]
        raise AllowanceError("不符合该政策的申领条件：" + "；".join(unmet), fields={"policy_id": unmet})
    if _overlapping(policy.id, talent.id, first, last):
        raise AllowanceError("该期间已有同一政策的申请", fields={"period_from": ["与已有申请的期间重叠"]})
    checked = uploads.check_documents(files)
    computation = compute_for(version, talent, first, last)
    if computation.total <= 0:
        raise AllowanceError(
            f"所选期间不在享受期内（享受期自 {computation.entitlement_from} 起）",
            fields={"period_from": ["不在享受期内"]},
        )
    claim = AllowanceClaim(
        policy_id=policy.id,
        policy_version_id=version.id,
        talent_id=talent.id,
        period_from=first,
        period_to=last,
        year=first.year,
        amount=computation.total,
        note=(note or "").strip()[:1000],
        submitted_by_id=getattr(actor, "id", None),
    )
    db.session.add(claim)
    claim.steps.append(
        ClaimStep(
            actor_id=getattr(actor, "id", None), action="submit", to_status="submitted", note=claim.note[:500]
        )
    )
    for file in checked:
        _add_file(actor, claim, file)
    db.session.flush()
    audit.record(
        actor,
        "create",
        claim,
        audit.snapshot(
            {
                "policy_id": policy.id,
                "policy_version": version.number,
                "talent_id": talent.id,
                "period": f"{first:%Y-%m}–{last:%Y-%m}",
                "amount": f"{claim.amount:.2f}",
            }
        ),
        summary=talent.name,
    )
    notify(
        role_users("org"),
        f"{talent.name} 申请{version.name} {claim.amount:.2f} 元，待审核",
        link=f"/allowances/claims/{claim.id}",
        kind="allowance",
    )
    if role != "talent":
        notify_talent(
            talent.id,
            f"县委组织部为您提交了{version.name}申请（{claim.amount:.2f} 元）",
            link="/me/allowances",
            kind="allowance",
        )
    return claim


def _add_file(actor, claim: AllowanceClaim, file) -> None:
    claim.files.append(
        ClaimFile(
            key=uploads.store(MATERIAL_KIND, file.data),
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            uploaded_by_id=getattr(actor, "id", None),
        )
    )


def add_material(actor, claim: AllowanceClaim, files) -> int:
    """More material while the claim is open, by the applicant's side (the talent, 组织部)."""
    if not is_submitter_side(actor, claim):
        raise NotYours("只有申请人或县委组织部可以补充材料")
    if claim.status not in OPEN_STATUSES:
        raise AllowanceError(f"申请已{claim.status_label}，不能再补充材料")
    checked = uploads.check_documents(files)
    if not checked:
        raise AllowanceError("请选择要上传的材料", fields={"files": ["请选择要上传的材料"]})
    if len(claim.files) + len(checked) > uploads.DOCUMENTS_PER_RECORD:
        raise AllowanceError(f"每份申请最多 {uploads.DOCUMENTS_PER_RECORD} 个材料")
    for file in checked:
        _add_file(actor, claim, file)
    db.session.flush()
    audit.record(
        actor, "material", claim, {"files": [None, [f.filename for f in checked]]}, summary=claim.talent.name
    )
    return len(checked)


def next_step(claim: AllowanceClaim) -> str | None:
    """Where the chain goes from the claim's status: the next step, "paid", or None (closed)."""
    chain = claim.policy_version.chain or DEFAULT_CHAIN
    if claim.status == "submitted":
        return chain[0]
    if claim.status in chain:
        index = chain.index(claim.status)
        return chain[index + 1] if index + 1 < len(chain) else "paid"
    return None


def may_act(user, step: str) -> bool:
    role = getattr(user, "role", None)
    if role == "admin":
        return True
    if step == "reviewed":
        return role == "org"
    return role == "unit" and _unit_name(user) == STEP_UNITS.get(step)


def holder_steps(user, claim: AllowanceClaim) -> list[str]:
    """The moves ``user`` may make on ``claim`` now (for the page's buttons)."""
    moves = []
    step = next_step(claim)
    if step is not None and may_act(user, step) and user.id != claim.submitted_by_id:
        moves += [step, "returned", "rejected"] if step != "paid" else [step]
    if claim.status == "returned" and is_submitter_side(user, claim):
        moves.append("submitted")
    return moves


def is_submitter_side(user, claim) -> bool:
    role = getattr(user, "role", None)
    return role in ("org", "admin") or (role == "talent" and user.talent_id == claim.talent_id)


def _money(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(amounts.CENT)
    except Exception:
        raise AllowanceError("金额格式不正确", fields={name: ["金额应为数字，最多两位小数"]}) from None
    if number != Decimal(str(value)) or number <= 0 or number >= Decimal("10000000000"):
        raise AllowanceError(
            "金额应为大于 0 的数字，最多两位小数", fields={name: ["金额应大于 0，最多两位小数"]}
        )
    return number


def paid_in_year(policy_id: int, year: int, exclude: int | None = None) -> Decimal:
    query = select(func.coalesce(func.sum(AllowanceClaim.paid_amount), 0)).where(
        AllowanceClaim.policy_id == policy_id, AllowanceClaim.year == year, AllowanceClaim.status == "paid"
    )
    if exclude is not None:
        query = query.where(AllowanceClaim.id != exclude)
    return Decimal(db.session.scalar(query)).quantize(amounts.CENT)


def transition(
    actor,
    claim: AllowanceClaim,
    to: str,
    note: str = "",
    version: int | None = None,
    *,
    amount=None,
    paid_on: date | None = None,
    voucher_no: str = "",
    budget_override: str = "",
) -> AllowanceClaim:
    note = (note or "").strip()
    check_version(claim, version)
    before = claim.status
    step = next_step(claim)
    changes: dict = {}
    if to == "submitted":
        if claim.status != "returned":
            raise AllowanceError("只有退回修改的申请可以重新提交", fields={"to": ["当前状态不允许此操作"]})
        if not is_submitter_side(actor, claim):
            raise NotYours("只有申请人或县委组织部可以重新提交")
    elif to in ("returned", "rejected"):
        if step is None or step == "paid":
            raise AllowanceError(
                f"申请已{claim.status_label}，不能退回或驳回", fields={"to": ["当前状态不允许此操作"]}
            )
        _check_actor(actor, claim, step)
        if not note:
            raise AllowanceError("请填写原因", fields={"note": ["退回或不予发放须填写原因"]})
    elif to == step:
        _check_actor(actor, claim, step)
        if to == "approved":
            approved = claim.amount if amount is None else _money(amount, "amount")
            if approved > claim.amount:
                raise AllowanceError(
                    f"核拨金额不能超过计算金额 {claim.amount:.2f} 元", fields={"amount": ["不能超过计算金额"]}
                )
            changes["approved_amount"] = [None, f"{approved:.2f}"]
            claim.approved_amount = approved
        if to == "paid":
            _pay(actor, claim, amount, paid_on, voucher_no, budget_override, changes)
    else:
        raise AllowanceError(
            f"当前为“{claim.status_label}”，下一步应为 {step or '无'}",
            fields={"to": ["当前状态不允许此操作"]},
        )
    claim.status = to
    changes["status"] = [before, to]
    db.session.flush()
    claim.steps.append(
        ClaimStep(actor_id=getattr(actor, "id", None), action=to, to_status=to, note=note[:500])
    )
    db.session.flush()
    audit.record(actor, "transition", claim, changes, summary=f"{claim.talent.name} {claim.period_text}")
    _tell(claim, to, note)
    return claim


def _check_actor(actor, claim: AllowanceClaim, step: str) -> None:
    if not may_act(actor, step):
        raise NotYours(f"这一步（{STEPS.get(step, '发放')}）不由您办理")
    if getattr(actor, "id", None) is not None and actor.id == claim.submitted_by_id:
        raise NotYours("提交申请的人不能审批自己提交的申请")


def _pay(actor, claim, amount, paid_on, voucher_no, override, changes) -> None:
    if claim.approved_amount is None:  # a chain without 核拨: what was reviewed is what is approved
        claim.approved_amount = claim.amount
    paid = claim.approved_amount if amount is None else _money(amount, "amount")
    if paid > claim.approved_amount:
        raise AllowanceError(
            f"发放金额不能超过核拨金额 {claim.approved_amount:.2f} 元",
            fields={"amount": ["不能超过核拨金额"]},
        )
    if paid_on is None or paid_on > timeutil.today():
        raise AllowanceError(
            "请填写发放日期（不晚于今天）", fields={"paid_on": ["请填写发放日期，不晚于今天"]}
        )
    voucher_no = (voucher_no or "").strip()
    if not voucher_no:
        raise AllowanceError("请填写凭证号", fields={"voucher_no": ["请填写凭证号或银行流水号"]})
    budget = claim.policy.current.budget
    used = paid_in_year(claim.policy_id, claim.year, exclude=claim.id)
    override = (override or "").strip()
    if used + paid > budget:
        if not override:
            raise AllowanceError(
                f"{claim.year}年度预算 {budget:.2f} 元，已发放 {used:.2f} 元，本笔 {paid:.2f} 元将超出预算；"
                "确需超预算发放的，请填写超预算说明",
                fields={"budget_override": ["超出年度预算，须填写说明"]},
            )
        claim.budget_override = override[:200]
        changes["budget_override"] = [None, override[:200]]
    claim.paid_amount, claim.paid_on, claim.voucher_no = paid, paid_on, voucher_no[:60]
    changes.update(
        {
            "paid_amount": [None, f"{paid:.2f}"],
            "paid_on": [None, paid_on.isoformat()],
            "voucher_no": [None, claim.voucher_no],
        }
    )


def _tell(claim: AllowanceClaim, to: str, note: str) -> None:
    name = claim.policy_version.name
    link = "/me/allowances"
    if to == "paid":
        notify_talent(
            claim.talent_id, f"您的{name}已发放 {claim.paid_amount:.2f} 元", link=link, kind="allowance"
        )
    elif to == "returned":
        notify_talent(claim.talent_id, f"您的{name}申请被退回修改", body=note, link=link, kind="allowance")
    elif to == "rejected":
        notify_talent(claim.talent_id, f"您的{name}申请不予发放", body=note, link=link, kind="allowance")
    step = next_step(claim) if to not in ("returned", "rejected") else None
    if step in STEP_UNITS:
        unit = db.session.scalar(select(Unit).where(Unit.name == STEP_UNITS[step]))
        if unit is not None:
            notify(
                unit_users(unit.id),
                f"{claim.talent.name} 的{name}申请待{STEPS.get(step, '发放')}",
                link=f"/allowances/claims/{claim.id}",
                kind="allowance",
            )


# --- a talent who leaves, a card revoked --------------------------------------------------------


def stop_running(talent: Talent, on: date, reason: str) -> int:
    """Running monthly claims of ``talent`` stop at the end of the month of ``on``: open claims that
    reach past it are cut there (amount recomputed), wholly later ones are stopped; the talent and
    组织部 are told. Returns how many claims changed; running it again changes nothing."""
    cut = amounts.month_end(on)
    changed = 0
    claims = db.session.scalars(
        select(AllowanceClaim)
        .join(PolicyVersion)
        .where(
            AllowanceClaim.talent_id == talent.id,
            AllowanceClaim.status.in_(OPEN_STATUSES),
            AllowanceClaim.period_to > cut,
            PolicyVersion.period == "monthly",
        )
    )
    for claim in claims:
        before = {"status": claim.status, "amount": f"{claim.amount:.2f}"}
        if claim.period_from > cut:
            claim.status = "stopped"
        else:
            computation = compute_for(claim.policy_version, talent, claim.period_from, claim.period_to, cut)
            claim.amount = computation.total
        claim.stopped_on = cut
        db.session.flush()
        claim.steps.append(ClaimStep(action="stop", to_status=claim.status, note=reason[:500]))
        audit.record(
            None,
            "stop",
            claim,
            {
                "status": [before["status"], claim.status],
                "amount": [before["amount"], f"{claim.amount:.2f}"],
                "stopped_on": [None, cut.isoformat()],
            },
            summary=reason[:200],
        )
        changed += 1
    if changed:
        notify_talent(
            talent.id,
            f"您的津贴补贴自 {cut:%Y年%m月} 底起停发",
            body=reason,
            link="/me/allowances",
            kind="allowance",
        )
        notify(
            role_users("org"),
            f"{talent.name} 的 {changed} 份津贴补贴申请自 {cut:%Y-%m} 底起停发",
            body=reason,
            link=f"/allowances/claims?talent_id={talent.id}",
            kind="allowance",
        )
    return changed


def stop_daily(today: date) -> dict[str, int]:
    """The daily sweep: talents marked left and holders of revoked cards whose claims still run."""
    from talent.cards.models import Card

    count = 0
    left = db.session.scalars(
        select(Talent).where(
            Talent.status == "left",
            Talent.id.in_(
                select(AllowanceClaim.talent_id).where(
                    AllowanceClaim.status.in_(OPEN_STATUSES), AllowanceClaim.stopped_on.is_(None)
                )
            ),
        )
    )
    for talent in left:
        count += stop_running(talent, today, "人才已离开双牌")
    revoked = db.session.execute(
        select(Card.talent_id, Card.revoked_on).where(
            Card.status == "revoked",
            Card.talent_id.in_(
                select(AllowanceClaim.talent_id).where(
                    AllowanceClaim.status.in_(OPEN_STATUSES), AllowanceClaim.stopped_on.is_(None)
                )
            ),
        )
    )
    for talent_id, revoked_on in revoked:
        if db.session.scalar(select(Card.id).where(Card.talent_id == talent_id, Card.status == "active")):
            continue  # a newer card replaced it
        count += stop_running(db.session.get(Talent, talent_id), revoked_on or today, "VIP卡已注销")
    return {"津贴停发": count}
