"""Demo: two policies and claims placed relative to today — last year's paid, this year's waiting."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from talent.allowances import operations
from talent.allowances.amounts import month_end
from talent.auth.units import unit_named
from talent.core import timeutil
from talent.core.features import DemoContext
from talent.extensions import db
from talent.registry.models import Talent


def load(context: DemoContext) -> dict:
    from talent.auth import operations as accounts
    from talent.demo import DEMO_PASSWORD

    org = context.accounts.get("zzb")
    today = timeutil.today()
    living = operations.create_policy(
        org,
        {
            "name": "引进人才生活补贴",
            "document_no": f"双组发〔{today.year - 2}〕8号",
            "amount": Decimal("2000.00"),
            "period": "monthly",
            "months": 60,
            "budget": Decimal("600000.00"),
            "year": today.year - 2,
            "eligibility": {"introduced_within_years": 5},
            "chain": ["reviewed", "rechecked", "approved"],
            "note": "",
        },
    )
    operations.create_policy(
        org,
        {
            "name": "博士津贴",
            "document_no": f"双组发〔{today.year - 2}〕9号",
            "amount": Decimal("1500.00"),
            "period": "monthly",
            "months": None,
            "budget": Decimal("300000.00"),
            "year": today.year - 2,
            "eligibility": {"educations": ["doctorate"]},
            "chain": ["reviewed", "rechecked", "approved"],
            "note": "",
        },
    )
    # 县人社局's clerk is one of the base demo accounts (rsj); made here only when it is not.
    hrss = context.accounts.get("rsj") or accounts.create_user(
        None,
        "rsj",
        DEMO_PASSWORD,
        "unit",
        unit_id=unit_named("县人社局").id,
        display_name="人社局 伍文军",
        is_demo=True,
    )
    finance = accounts.create_user(
        None,
        "czj",
        DEMO_PASSWORD,
        "unit",
        unit_id=unit_named("县财政局").id,
        display_name="财政局 伍芳",
        is_demo=True,
    )
    context.accounts.update(rsj=hrss, czj=finance)
    introduced = list(
        db.session.scalars(
            select(Talent)
            .where(
                Talent.source == "introduced",
                Talent.status == "active",
                Talent.introduced_on.between(date(today.year - 4, 1, 1), date(today.year - 1, 1, 31)),
            )
            .order_by(Talent.id)
            .limit(3)
        )
    )
    claims = 0
    for talent in introduced:
        last_year = operations.file_claim(
            org, living, talent, date(today.year - 1, 1, 1), date(today.year - 1, 12, 1)
        )
        operations.transition(context.accounts["admin"], last_year, "reviewed", "", last_year.version)
        operations.transition(hrss, last_year, "rechecked", "", last_year.version)
        operations.transition(finance, last_year, "approved", "", last_year.version)
        operations.transition(
            finance,
            last_year,
            "paid",
            "",
            last_year.version,
            paid_on=month_end(date(today.year - 1, 12, 1)),
            voucher_no=f"CZ{today.year - 1}-{talent.id:04d}",
        )
        operations.file_claim(org, living, talent, date(today.year, 1, 1), date(today.year, today.month, 1))
        claims += 2
    return {"claims": claims}
