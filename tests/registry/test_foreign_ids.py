"""外国人永久居留身份证 (2023 and older formats) and 港澳台居民居住证: validated, encrypted and
blind-indexed like the other numbers; one person, one record, however the number is typed."""
from datetime import date

import pytest
from sqlalchemy import func, select, text
from stdnum.cn import ric

from talent.core.validators import InvalidValue, parse_hmt_residence_permit, parse_permanent_resident_id
from talent.extensions import db
from talent.registry.models import Talent


def _checked(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "?")  # it reads all but the last character


PERMANENT_2023 = _checked("93111619850315001")  # 931116 1985-03-15, 001: male
PERMANENT_OLD = "USA438503150001"  # USA, 43 (湖南), 1985-03-15
HK_PERMIT = _checked("81000019900101002")  # female
TW_PERMIT = _checked("83000019881231003")


@pytest.mark.parametrize(("number", "born", "gender"), [
    (PERMANENT_2023, date(1985, 3, 15), "male"), (PERMANENT_2023.lower(), date(1985, 3, 15), "male"),
    (PERMANENT_OLD, date(1985, 3, 15), ""), ("usa 4385 0315 0001", date(1985, 3, 15), "")])
def test_valid_permanent_residence_numbers(number, born, gender):
    parsed = parse_permanent_resident_id(number)
    assert (parsed.birth_date, parsed.gender) == (born, gender)


@pytest.mark.parametrize(("number", "message"), [
    (PERMANENT_2023[:-1] + ("0" if PERMANENT_2023[-1] != "0" else "1"), "校验位不正确"),
    ("8" + PERMANENT_2023[1:], "以9开头"),
    (_checked("93111619851345001"), "出生日期无效"),
    ("XYZ438503150001", "不是有效的国籍代码"),
    ("USA4308503150", "应为18位"),
    ("US1438503150001", "3位国籍字母"),
    ("USA438513150001", "出生日期无效")])
def test_invalid_permanent_residence_numbers(number, message):
    with pytest.raises(InvalidValue, match=message):
        parse_permanent_resident_id(number)


def test_hmt_permits():
    assert parse_hmt_residence_permit(HK_PERMIT)[1] == "HK"
    assert parse_hmt_residence_permit(TW_PERMIT)[0].birth_date == date(1988, 12, 31)
    with pytest.raises(InvalidValue, match="810000"):
        parse_hmt_residence_permit(_checked("43112319900101002"))
    with pytest.raises(InvalidValue, match="校验位"):
        parse_hmt_residence_permit(HK_PERMIT[:-1] + ("1" if HK_PERMIT[-1] != "1" else "2"))


BASE = {"name": "Anna Müller", "education": "doctorate", "title_level": "senior", "title_name": "研究员",
        "employer": "湖南双牌竹木科技有限公司", "field": "bamboo_wood", "category": "leading",
        "source": "introduced", "introduced_on": "2024-05-01", "programme_level": "none",
        "works_in_county": "y", "status": "active", "phone": "13874600001"}


def _count() -> int:
    return db.session.scalar(select(func.count(Talent.id)))


def test_registered_through_the_form_with_nationality_checked(client, auth):
    auth.login_as("org")
    new = {**BASE, "id_type": "foreign_permanent_resident", "id_number": PERMANENT_2023,
           "nationality": "DE"}
    assert client.post("/talents/new", data=new).status_code == 302
    anna = db.session.scalar(select(Talent))
    assert (anna.id_type, anna.gender, anna.birth_date) == ("foreign_permanent_resident", "male",
                                                            date(1985, 3, 15))
    # The same number in another spelling is the same person.
    again = client.post("/talents/new", data={**new, "name": "A. Müller",
                                              "id_number": " " + PERMANENT_2023.lower()})
    assert "该证件号码已登记" in again.get_data(as_text=True) and _count() == 1
    chinese = client.post("/talents/new", data={**new, "id_number": _checked("93111619800101001"),
                                                "nationality": "CN"}).get_data(as_text=True)
    assert "外国人永久居留身份证的持有人为外籍人士" in chinese
    # The old number names the nationality: a form left at 中国 takes it, a different one is refused.
    old = {**BASE, "name": "John Smith", "id_type": "foreign_permanent_resident",
           "id_number": PERMANENT_OLD, "nationality": "CN", "gender": "male"}
    assert client.post("/talents/new", data=old).status_code == 302
    assert db.session.scalar(select(Talent.nationality).where(Talent.name == "John Smith")) == "US"
    wrong = client.post("/talents/new", data={**old, "name": "X", "id_number": "GBR438503150002",
                                              "nationality": "FR"}).get_data(as_text=True)
    assert "国籍与证件号码不符" in wrong
    no_gender = client.post("/talents/new", data={**old, "name": "Y", "id_number": "CAN438503150003",
                                                  "gender": ""}).get_data(as_text=True)
    assert "请选择性别" in no_gender


def test_hmt_permit_sets_the_region_and_refuses_a_mismatch(client, auth):
    auth.login_as("org")
    new = {**BASE, "name": "陈家明", "id_type": "hmt_residence_permit", "id_number": HK_PERMIT,
           "nationality": "CN"}
    assert client.post("/talents/new", data=new).status_code == 302
    chan = db.session.scalar(select(Talent).where(Talent.name == "陈家明"))
    assert (chan.nationality, chan.gender, chan.label_of("id_type")) == ("HK", "female", "港澳台居民居住证")
    wrong = client.post("/talents/new", data={**new, "name": "林志玲", "id_number": TW_PERMIT,
                                              "nationality": "MO"}).get_data(as_text=True)
    assert "国籍（地区）与居住证号码不符" in wrong
    bad = client.post("/talents/new", data={**new, "name": "王", "id_number": _checked("43112319900101002")})
    assert "810000" in bad.get_data(as_text=True)


def test_api_accepts_the_new_types_and_stores_them_encrypted(client, api_token):
    headers = api_token("org")
    body = {**BASE, "works_in_county": True, "id_type": "hmt_residence_permit", "id_number": TW_PERMIT,
            "nationality": "TW", "name": "林志强"}
    created = client.post("/api/v1/talents", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["id_type"] == "hmt_residence_permit"
    stored = db.session.execute(text("SELECT id_number, id_number_index FROM talents")).one()
    assert TW_PERMIT not in str(stored[0]) and TW_PERMIT not in stored[1]
    duplicate = client.post("/api/v1/talents", json={**body, "id_number": TW_PERMIT.lower() + " "},
                            headers=headers)
    assert duplicate.status_code in (409, 422)
