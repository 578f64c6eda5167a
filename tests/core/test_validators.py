import pytest

from talent.core.masking import mask_id_number, mask_name, mask_phone
from talent.core.validators import InvalidValue, check_passport, check_phone, parse_resident_id
from tests.factories import resident_id


def test_valid_resident_id_gives_birth_date_and_gender():
    parsed = parse_resident_id("431123198503150017")
    assert str(parsed.birth_date) == "1985-03-15"
    assert parsed.gender == "male"  # 17th digit 1 is odd
    assert parse_resident_id(resident_id(male=False)).gender == "female"


def test_lowercase_x_and_spaces_are_normalised():
    number = next(n for n in (resident_id() for _ in range(200)) if n.endswith("X"))
    assert parse_resident_id(" " + number.lower() + " ").number == number


def test_county_code_created_after_birth_is_accepted():
    # 双牌县 got 431123 in 1995; people born earlier who registered later carry it.
    assert parse_resident_id("431123198003150010").birth_date.year == 1980


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("43112319850315001", "应为18位"),
        ("4311231985031500A2", "前17位应为数字"),
        ("431123198503150012", "校验位不正确"),
        ("431123198513150019", "校验位"),  # month 13 — checksum is checked first
        (resident_id(area="000000"), "地区码"),
    ],
)
def test_bad_resident_ids_are_explained(number, message):
    with pytest.raises(InvalidValue, match=message):
        parse_resident_id(number)


def test_impossible_birth_date_with_good_checksum():
    from stdnum.cn import ric

    body = "43112319851332001"
    with pytest.raises(InvalidValue, match="出生日期"):
        parse_resident_id(body + ric.calc_check_digit(body + "X"))


def test_phone_formats():
    assert check_phone("138 7460 0001") == "13874600001"
    assert check_phone("+8613874600001") == "13874600001"
    assert check_phone("0746-7722123") == "0746-7722123"
    for bad in ("12345", "23874600001", "phone"):
        with pytest.raises(InvalidValue):
            check_phone(bad)


def test_passport():
    assert check_passport("c4xr29157") == "C4XR29157"
    with pytest.raises(InvalidValue):
        check_passport("A1")


def test_masks():
    # One mask (issue 19 item 5): the first three and last two characters, never the last four.
    assert mask_id_number("431123198503150017") == "431*************17"
    assert mask_name("张小三") == "张*三"
    assert mask_name("李明") == "李*"
    assert mask_name("欧阳湘云") == "欧**云"
    assert mask_phone("13874600001") == "138****0001"


def test_logged_values_read_as_labels(app):
    from talent.core.templating import change_value

    assert change_value("field", "bamboo_wood") == "农林产品(竹木)精深加工"
    assert change_value("works_in_county", False) == "否"
    assert change_value("honors", ["甲", "乙"]) == "甲；乙"
    assert change_value("nationality", "DE") == "德国"
    assert change_value("role", "unit") == "单位经办人"
    assert change_value("employer", None) == "（空）"


def test_card_status_reads_as_card_words(app):
    from talent.core.templating import change_value

    assert change_value("status", "active", "cards") == "有效"
    assert change_value("status", "active", "talents") == "在县工作"


def test_people_read_county_time_in_names_cells_and_pages(app, monkeypatch):
    from datetime import UTC, datetime

    from talent.core import timeutil

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            instant = datetime(2026, 11, 26, 20, 56, tzinfo=UTC)  # 04:56 on the 27th in 双牌
            return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)

    monkeypatch.setattr(timeutil, "datetime", Clock)
    assert timeutil.file_stamp() == "20261127-0456"
    assert timeutil.today().isoformat() == "2026-11-27"
    assert timeutil.local(datetime(2026, 11, 26, 20, 56)) == "2026-11-27 04:56"
    app.config["TIMEZONE"] = "Europe/Berlin"
    assert timeutil.local(datetime(2026, 11, 26, 20, 56)) == "2026-11-26 21:56"


def test_downloads_with_chinese_names_keep_a_readable_ascii_name():
    from talent.core.headers import _readable_ascii_fallback as fallback

    assert fallback("attachment; filename=-20261127.docx; filename*=UTF-8''%E8%B0%83-20261127.docx") \
        == "attachment; filename=\"longbo-20261127.docx\"; filename*=UTF-8''%E8%B0%83-20261127.docx"
    assert 'filename="longbo.xlsx"' in fallback("attachment; filename=.xlsx; filename*=UTF-8''%E4%BA%BA.xlsx")
    plain = "attachment; filename=LBYC-2026-000001.png"
    assert fallback(plain) == plain
