import pytest

from talent.employers.operations import set_employment
from talent.extensions import db
from tests.factories import EmployerFactory, TalentFactory, UserFactory


class World:
    """A talent with an account who works for an employer with an HR account, and 组织部."""

    def __init__(self):
        self.employer = EmployerFactory()
        self.talent = TalentFactory()  # 硕士、副高: C类
        self.talent_user = UserFactory(role="talent", talent_id=self.talent.id)
        self.hr = UserFactory(role="employer", employer_id=self.employer.id)
        self.org = UserFactory(role="org")
        self.other_hr = UserFactory(role="employer")  # another employer's account
        set_employment(None, self.talent, self.employer)
        db.session.commit()


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def csrf_client(app, database_url):
    """A client of an app with CSRF on, over the same database: pages are tried as people use them."""
    from tests.conftest import make_app

    return make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
