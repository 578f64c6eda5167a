"""factory_boy factories: valid, realistic records with as little setup as a test needs."""
import random
from datetime import date, timedelta

import factory
from stdnum.cn import ric

from talent.auth.models import Unit, User
from talent.employers.models import Employer
from talent.extensions import db
from talent.registry.models import Talent, Team

TEST_PASSWORD = "Passw0rd-test"
_rng = random.Random(11643)


def resident_id(birth: date | None = None, male: bool = True, area: str = "431123",
                sequence: int | None = None) -> str:
    """A resident ID number with a correct GB 11643-1999 check digit."""
    birth = birth or date(1980, 1, 1) + timedelta(days=_rng.randrange(0, 9000))
    sequence = _rng.randrange(0, 499) if sequence is None else sequence
    body = f"{area}{birth:%Y%m%d}{sequence * 2 + (1 if male else 0):03d}"
    return body + ric.calc_check_digit(body + "X")


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = "org"
    active = True
    password_hash = ""

    @factory.lazy_attribute
    def unit_id(self):
        if self.role != "unit":
            return None
        return db.session.scalar(db.select(Unit.id).where(Unit.name == "县科工信局"))

    @factory.lazy_attribute
    def talent_id(self):
        return TalentFactory().id if self.role == "talent" else None

    @factory.lazy_attribute
    def employer_id(self):
        return EmployerFactory().id if self.role == "employer" else None

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)


class TalentFactory(BaseFactory):
    class Meta:
        model = Talent

    name = factory.Iterator(["李明", "王建国", "张秀英", "刘海涛", "陈立新", "欧阳湘云", "唐志刚"])
    # Birth date and ID follow the sequence, so no two talents of a session share an ID number.
    birth_date = factory.Sequence(lambda n: date(1960, 1, 1) + timedelta(days=n % 15_000))
    gender = "male"
    id_type = "resident_id"
    id_number = factory.LazyAttributeSequence(
        lambda o, n: resident_id(o.birth_date, o.gender == "male", sequence=(n // 15_000) % 499))
    nationality = "CN"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    email = ""
    education = "master"
    title_level = "vice_senior"
    title_name = "高级工程师"
    employer = "湖南双牌竹木科技有限公司"
    field = "bamboo_wood"
    category = "innovator"
    source = "local"
    introduced_on = None
    programme_level = "none"
    works_in_county = True
    honors = factory.LazyFunction(list)
    status = "active"


class EmployerFactory(BaseFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"湖南双牌测试用人单位{n}有限公司")
    kind = "enterprise"
    uscc = ""
    contact = "王经理"
    phone = "0746-7720000"
    active = True


class TeamFactory(BaseFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"竹木复合材料创新团队{n}")
    field = "bamboo_wood"
    description = ""


def talent_values(**changes) -> dict:
    """A new talent's column values, as a checked import row hands them to ``create_talents``."""
    built = TalentFactory.build(**changes)
    return {c.key: getattr(built, c.key) for c in Talent.__table__.columns
            if c.key != "id" and getattr(built, c.key) is not None}
