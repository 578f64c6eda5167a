from datetime import date
from decimal import Decimal

import pytest

from talent.allowances import operations
from talent.auth.units import unit_named
from talent.extensions import db
from tests.factories import TalentFactory, UserFactory

TODAY = date(2026, 12, 15)


def policy_values(**overrides) -> dict:
    return {
        "name": "引进人才生活补贴",
        "document_no": "双组发〔2026〕3号",
        "amount": Decimal("2000.00"),
        "period": "monthly",
        "months": 36,
        "budget": Decimal("100000.00"),
        "year": 2026,
        "eligibility": {"introduced_within_years": 5},
        "chain": ["reviewed", "rechecked", "approved"],
        "note": "",
        **overrides,
    }


class World:
    def __init__(self):
        self.talent = TalentFactory(source="introduced", introduced_on=date(2026, 3, 14))
        self.talent_user = UserFactory(role="talent", talent_id=self.talent.id)
        self.org = UserFactory(role="org")
        self.org2 = UserFactory(role="org")
        self.hrss = UserFactory(role="unit", unit_id=unit_named("县人社局").id)
        self.finance = UserFactory(role="unit", unit_id=unit_named("县财政局").id)
        self.science = UserFactory(role="unit")  # 县科工信局: not in the chain
        self.policy = operations.create_policy(self.org, policy_values())
        db.session.commit()

    def run_to_approved(self, claim, approved=None):
        operations.transition(self.org, claim, "reviewed", "", claim.version)
        operations.transition(self.hrss, claim, "rechecked", "", claim.version)
        operations.transition(self.finance, claim, "approved", "", claim.version, amount=approved)
        return claim


@pytest.fixture
def world(app, freeze_today):
    freeze_today(TODAY)
    return World()


@pytest.fixture
def csrf_client(app, database_url):
    from tests.conftest import make_app

    return make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
