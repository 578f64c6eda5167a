"""Claims through the chain: order, four-eyes, returns and rejections, money limits, budget."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from talent.allowances import operations
from talent.allowances.models import AllowanceClaim
from talent.cards import operations as cards
from talent.core.audit import history
from talent.core.errors import StaleEdit
from talent.core.features import metric, run_daily
from talent.extensions import db
from talent.notifications.models import Notification
from tests.allowances.conftest import policy_values
from tests.factories import TalentFactory, UserFactory


def _claim(world, actor=None, first=date(2026, 3, 1), last=date(2026, 5, 1)):
    return operations.file_claim(actor or world.talent_user, world.policy, world.talent, first, last, "申请")


def test_the_chain_in_order_to_payment(world):
    claim = _claim(world)
    assert claim.amount == Decimal("5161.29") and claim.status == "submitted" and claim.year == 2026
    with pytest.raises(operations.AllowanceError, match="下一步应为 reviewed"):
        operations.transition(world.finance, claim, "approved", "", claim.version)
    with pytest.raises(operations.NotYours):
        operations.transition(world.hrss, claim, "reviewed", "", claim.version)
    operations.transition(world.org, claim, "reviewed", "材料齐全", claim.version)
    with pytest.raises(operations.NotYours):
        operations.transition(world.finance, claim, "rechecked", "", claim.version)
    operations.transition(world.hrss, claim, "rechecked", "", claim.version)
    with pytest.raises(operations.AllowanceError, match="不能超过计算金额"):
        operations.transition(world.finance, claim, "approved", "", claim.version, amount="5161.30")
    operations.transition(world.finance, claim, "approved", "", claim.version, amount="5000.00")
    assert claim.approved_amount == Decimal("5000.00")
    with pytest.raises(operations.AllowanceError, match="不能超过核拨金额"):
        operations.transition(
            world.finance,
            claim,
            "paid",
            "",
            claim.version,
            amount="5000.01",
            paid_on=date(2026, 12, 10),
            voucher_no="V1",
        )
    with pytest.raises(operations.AllowanceError, match="凭证号"):
        operations.transition(world.finance, claim, "paid", "", claim.version, paid_on=date(2026, 12, 10))
    with pytest.raises(operations.AllowanceError, match="发放日期"):
        operations.transition(
            world.finance, claim, "paid", "", claim.version, paid_on=date(2026, 12, 16), voucher_no="V1"
        )
    operations.transition(
        world.finance, claim, "paid", "", claim.version, paid_on=date(2026, 12, 10), voucher_no="CZ-2026-0012"
    )
    assert claim.status == "paid" and claim.paid_amount == Decimal("5000.00")
    assert [s.action for s in claim.steps] == ["submit", "reviewed", "rechecked", "approved", "paid"]
    assert len(history("allowance_claims", claim.id)) == 5
    titles = list(
        db.session.scalars(select(Notification.title).where(Notification.user_id == world.talent_user.id))
    )
    assert "您的引进人才生活补贴已发放 5000.00 元" in titles
    assert metric("allowances.paid_total").compute(2026) == 0.5
    assert metric("allowances.talents_paid").compute(2026) == 1


def test_who_submitted_does_not_approve(world):
    claim = _claim(world, actor=world.org)
    with pytest.raises(operations.NotYours, match="不能审批自己提交的申请"):
        operations.transition(world.org, claim, "reviewed", "", claim.version)
    operations.transition(world.org2, claim, "reviewed", "", claim.version)
    assert claim.status == "reviewed"


def test_return_resubmit_and_reject(world):
    claim = _claim(world)
    with pytest.raises(operations.AllowanceError, match="原因"):
        operations.transition(world.org, claim, "returned", "", claim.version)
    operations.transition(world.org, claim, "returned", "请补充引进证明", claim.version)
    assert claim.status == "returned"
    with pytest.raises(operations.NotYours):
        operations.transition(world.finance, claim, "submitted", "", claim.version)
    operations.transition(world.talent_user, claim, "submitted", "已补充", claim.version)
    operations.transition(world.org, claim, "reviewed", "", claim.version)
    operations.transition(world.hrss, claim, "rejected", "不符合引进条件", claim.version)
    assert claim.status == "rejected"
    with pytest.raises(operations.AllowanceError):
        operations.transition(world.finance, claim, "approved", "", claim.version)


def test_a_stale_version_is_refused(world):
    claim = _claim(world)
    seen = claim.version
    operations.transition(world.org, claim, "reviewed", "", seen)
    with pytest.raises(StaleEdit):
        operations.transition(world.org2, claim, "returned", "重复", seen)


def test_budget_overrun_needs_an_audited_override(world):
    policy = operations.create_policy(world.org, policy_values(name="博士津贴", budget=Decimal("5000.00")))
    first = operations.file_claim(world.talent_user, policy, world.talent, date(2026, 4, 1), date(2026, 5, 1))
    world.run_to_approved(first)
    operations.transition(
        world.finance, first, "paid", "", first.version, paid_on=date(2026, 12, 1), voucher_no="A"
    )
    other = TalentFactory(source="introduced", introduced_on=date(2026, 1, 5))
    second = operations.file_claim(world.org, policy, other, date(2026, 6, 1), date(2026, 6, 1))
    operations.transition(world.org2, second, "reviewed", "", second.version)
    operations.transition(world.hrss, second, "rechecked", "", second.version)
    operations.transition(world.finance, second, "approved", "", second.version)
    with pytest.raises(operations.AllowanceError, match="超出预算"):
        operations.transition(
            world.finance, second, "paid", "", second.version, paid_on=date(2026, 12, 2), voucher_no="B"
        )
    operations.transition(
        world.finance,
        second,
        "paid",
        "",
        second.version,
        paid_on=date(2026, 12, 2),
        voucher_no="B",
        budget_override="县政府常务会议纪要〔2026〕12号同意追加",
    )
    assert second.budget_override.startswith("县政府常务会议纪要")
    logged = history("allowance_claims", second.id)[0]
    assert logged.changes["budget_override"][1].startswith("县政府常务会议纪要")
    assert operations.paid_in_year(policy.id, 2026) == Decimal("6000.00")


def test_a_policy_change_is_a_new_version_and_claims_keep_theirs(world):
    old = _claim(world)
    operations.update_policy(
        world.org, world.policy, {"amount": Decimal("2500.00"), "note": "提标"}, world.policy.version
    )
    assert world.policy.current.number == 2 and world.policy.version == 2
    db.session.refresh(old)
    assert old.policy_version.number == 1 and old.amount == Decimal("5161.29")
    new = operations.file_claim(
        world.talent_user, world.policy, world.talent, date(2026, 6, 1), date(2026, 6, 1)
    )
    assert new.policy_version.number == 2 and new.amount == Decimal("2500.00")
    with pytest.raises(StaleEdit):
        operations.update_policy(world.org, world.policy, {"amount": Decimal("1.00")}, 1)


def test_claims_that_cannot_be_made(world):
    with pytest.raises(operations.AllowanceError, match="跨年"):
        _claim(world, first=date(2026, 11, 1), last=date(2027, 1, 1))
    with pytest.raises(operations.AllowanceError, match="不在享受期内"):
        _claim(world, first=date(2026, 1, 1), last=date(2026, 2, 1))
    _claim(world)
    with pytest.raises(operations.AllowanceError, match="该期间已有同一政策的申请"):
        _claim(world, first=date(2026, 5, 1), last=date(2026, 6, 1))
    local = TalentFactory(source="local")
    with pytest.raises(operations.AllowanceError, match="不符合该政策的申领条件"):
        operations.file_claim(world.org, world.policy, local, date(2026, 3, 1), date(2026, 3, 1))
    with pytest.raises(operations.NotYours):
        operations.file_claim(world.talent_user, world.policy, local, date(2026, 3, 1), date(2026, 3, 1))
    card_policy = operations.create_policy(
        world.org, policy_values(name="A类人才津贴", eligibility={"tiers": ["A"]})
    )
    with pytest.raises(operations.AllowanceError, match="无有效卡"):
        operations.file_claim(world.org, card_policy, world.talent, date(2026, 3, 1), date(2026, 3, 1))


def test_a_chain_of_one_step(world):
    policy = operations.create_policy(
        world.org, policy_values(name="安家补贴", period="once", chain=["reviewed"])
    )
    claim = operations.file_claim(world.talent_user, policy, world.talent, date(2026, 4, 1), date(2026, 4, 1))
    assert claim.amount == Decimal("2000.00")
    operations.transition(world.org, claim, "reviewed", "", claim.version)
    assert operations.next_step(claim) == "paid"
    operations.transition(
        world.finance, claim, "paid", "", claim.version, paid_on=date(2026, 12, 1), voucher_no="X"
    )
    assert claim.paid_amount == claim.approved_amount == Decimal("2000.00")
    with pytest.raises(operations.AllowanceError, match="只能申领一次"):
        operations.file_claim(world.talent_user, policy, world.talent, date(2026, 5, 1), date(2026, 5, 1))


def test_who_sees_which_claims(world):
    from talent.employers.operations import set_employment
    from tests.factories import EmployerFactory

    claim = _claim(world)
    employer = EmployerFactory()
    hr = UserFactory(role="employer", employer_id=employer.id)
    other_hr = UserFactory(role="employer")
    set_employment(None, world.talent, employer)

    def ids(user):
        return set(db.session.scalars(operations.visible_to(user).with_only_columns(AllowanceClaim.id)))

    assert ids(world.talent_user) == ids(hr) == ids(world.finance) == ids(world.org) == {claim.id}
    assert ids(other_hr) == ids(world.science) == set()
    assert ids(UserFactory(role="talent")) == set()


def test_leaving_or_a_revoked_card_stops_running_claims_at_month_end(world, freeze_today):
    claim = _claim(world, first=date(2026, 3, 1), last=date(2026, 12, 1))
    later = operations.file_claim(
        world.org,
        world.policy,
        TalentFactory(source="introduced", introduced_on=date(2026, 1, 1)),
        date(2026, 1, 1),
        date(2026, 12, 1),
    )
    world.talent.status = "left"
    db.session.flush()
    freeze_today(date(2026, 7, 10))
    assert run_daily(date(2026, 7, 10))["allowances"] == {"津贴停发": 1}
    assert claim.stopped_on == date(2026, 7, 31) and claim.status == "submitted"
    # March 18/31 + April–July: 1161.29 + 4 × 2000
    assert claim.amount == Decimal("9161.29")
    assert run_daily(date(2026, 7, 11))["allowances"] == {"津贴停发": 0}
    titles = list(
        db.session.scalars(select(Notification.title).where(Notification.user_id == world.talent_user.id))
    )
    assert "您的津贴补贴自 2026年07月 底起停发" in titles
    org_titles = list(
        db.session.scalars(select(Notification.title).where(Notification.user_id == world.org.id))
    )
    assert any("停发" in t for t in org_titles)

    holder = later.talent
    card = cards.issue_card(world.org, holder, on=date(2026, 7, 1))
    cards.revoke_card(world.org, card, "本人申请", on=date(2026, 8, 20))
    run_daily(date(2026, 8, 21))
    assert later.stopped_on == date(2026, 8, 31) and later.amount == Decimal("16000.00")
