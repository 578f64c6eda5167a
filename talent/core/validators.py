"""Checks of identity numbers and contact details, with messages a clerk understands."""
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pycountry
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


# What an INTEGER primary key holds on every database we run on (PostgreSQL's int4).
DB_INT_MAX = 2**31 - 1


def bounded_int(raw, low: int = 1, high: int = DB_INT_MAX) -> int | None:
    """The one integer parser for query strings and JSON values (ids, versions, page numbers).

    ASCII digits only — ``str.isdigit`` also accepts "²" and "٣", which ``int`` then refuses
    or reads — within ``low..high`` (by default what a database id can be); anything else,
    booleans included, is ``None``, never an exception deeper down.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and 0 < len(text := raw.strip()) <= 12 and text.isascii() \
            and text.isdigit():
        value = int(text)
    else:
        return None
    return value if low <= value <= high else None


class InvalidValue(ValueError):
    """A value failed a check; the message is shown to the user as it is."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "male" / "female"


def _ascii_digit(char: str) -> str:
    """Any script's decimal digit (١, ४, ๓ …: str.isdigit and int() accept them all) as ASCII."""
    digit = None if char.isascii() else unicodedata.decimal(char, None)
    return char if digit is None else str(digit)


def normalize_id_number(value: str | None) -> str:
    """One spelling per number: full-width digits and letters (４３１…ｘ, typed with a Chinese
    input method) and other scripts' digits become ASCII, spaces go, x is upper-case — so the
    blind index of one number is one value and duplicates are found."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()
    return "".join(_ascii_digit(char) for char in text)


def _known_area(number: str) -> bool:
    """The first six digits name a county that exists or existed.

    ``ric.validate`` also demands that the county code was in use in the birth
    year, which rejects real cards: a person born in 1985 who first got a card in
    双牌 after 1995 carries 431123, a code created in 1995. GB 11643-1999 asks
    for no such thing, so only the code's existence is checked here.
    """
    parts = dict(numdb.get("cn/loc").info(number[:6]))
    return "province" in parts.get(number[:2], {}) and "county" in parts.get(number[2:6], {})


def parse_resident_id(value: str) -> ResidentId:
    """Check a 居民身份证号码 against GB 11643-1999 and read its birth date and gender."""
    number = ric.compact(value or "")
    if len(number) != 18:
        raise InvalidValue("身份证号码应为18位")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise InvalidValue("身份证号码前17位应为数字，最后一位为数字或X")
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidValue("身份证号码校验位不正确，请核对")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise InvalidValue("身份证号码中的出生日期无效") from None
    if birth > date.today() or birth.year < 1900:
        raise InvalidValue("身份证号码中的出生日期无效")
    if not _known_area(number):
        raise InvalidValue("身份证号码前6位不是有效的地区码")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def check_passport(value: str) -> str:
    number = normalize_id_number(value)
    if not PASSPORT_RE.match(number):
        raise InvalidValue("护照号码应为5至20位字母或数字")
    return number


def normalize_phone(value: str | None) -> str:
    return re.sub(r"[\s()（）]", "", value or "")


def check_mobile(value: str | None) -> str:
    """A mainland mobile number for SMS, as typed or read out ("＋86 138 7460-0001"), as 11 ASCII
    digits; "" for nothing. The same folding as the talent search (full-width digits, spaces, dashes)."""
    phone = re.sub(r"[\s()（）-]", "", normalize_id_number(value or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if phone and not (phone.isascii() and MOBILE_RE.match(phone)):
        raise InvalidValue("请输入11位手机号码（1开头，第二位为3–9），用于接收短信通知")
    return phone


def check_phone(value: str) -> str:
    phone = normalize_phone(value)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone)):
        raise InvalidValue("请输入11位手机号码或带区号的固定电话（如 0746-7722123）")
    return phone


# --- foreign permanent residents and residents of Hong Kong, Macao and Taiwan ------------------

# 港澳台居民居住证: a GB 11643 number whose "area" is the region's.
HMT_PREFIXES = {"810000": "HK", "820000": "MO", "830000": "TW"}
_OLD_PERMANENT_RE = re.compile(r"[A-Z]{3}[0-9]{12}")


def _checked_18(number: str, what: str) -> None:
    if len(number) != 18:
        raise InvalidValue(f"{what}应为18位")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise InvalidValue(f"{what}前17位应为数字，最后一位为数字或X")
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidValue(f"{what}校验位不正确，请核对")


def _birth(year: int, month: int, day: int, what: str) -> date:
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidValue(f"{what}中的出生日期无效") from None
    if born > date.today() or born.year < 1900:
        raise InvalidValue(f"{what}中的出生日期无效")
    return born


def parse_permanent_resident_id(value: str) -> ResidentId:
    """外国人永久居留身份证: the 2023 format (18 characters, first "9", birth date in 7–14,
    gender in 17, check character as GB 11643) or the older 15-character one (three letters of
    the nationality, ISO 3166 alpha-3, then two of the accepting province, YYMMDD and four)."""
    what = "永久居留身份证号码"
    number = normalize_id_number(value)
    if len(number) == 18:
        if not number.startswith("9"):
            raise InvalidValue("2023年版外国人永久居留身份证号码以9开头")
        _checked_18(number, what)
        born = _birth(int(number[6:10]), int(number[10:12]), int(number[12:14]), what)
        return ResidentId(number, born, "male" if int(number[16]) % 2 == 1 else "female")
    if len(number) == 15:
        if not _OLD_PERMANENT_RE.fullmatch(number):
            raise InvalidValue("旧版永久居留身份证号码为3位国籍字母加12位数字")
        if pycountry.countries.get(alpha_3=number[:3]) is None:
            raise InvalidValue(f"旧版永久居留身份证号码前3位“{number[:3]}”不是有效的国籍代码")
        short_year, month, day = int(number[5:7]), int(number[7:9]), int(number[9:11])
        century = 2000 if 2000 + short_year <= date.today().year else 1900
        born = _birth(century + short_year, month, day, what)
        return ResidentId(number, born, "")
    raise InvalidValue("永久居留身份证号码应为18位（2023年版）或15位（旧版）")


def parse_hmt_residence_permit(value: str) -> tuple[ResidentId, str]:
    """港澳台居民居住证: 18 characters as GB 11643 with 810000 (香港), 820000 (澳门) or 830000
    (台湾) in front; returns the holder's facts and the region's code (HK, MO, TW)."""
    what = "港澳台居民居住证号码"
    number = normalize_id_number(value)
    _checked_18(number, what)
    region = HMT_PREFIXES.get(number[:6])
    if region is None:
        raise InvalidValue("港澳台居民居住证号码以810000（香港）、820000（澳门）或830000（台湾）开头")
    born = _birth(int(number[6:10]), int(number[10:12]), int(number[12:14]), what)
    return ResidentId(number, born, "male" if int(number[16]) % 2 == 1 else "female"), region
