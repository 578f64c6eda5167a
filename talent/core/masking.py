"""Masks for personal data shown to those who may not see it whole."""
import re


def mask_name(value: str | None) -> str:
    """``张三`` → ``张*``, ``张小三`` → ``张*三``; enough to recognise, not to identify."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str | None) -> str:
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "****" + value[-4:]


def mask_id_number(value: str | None) -> str:
    """The one mask for those who may not see ID numbers whole: the first three and last two
    characters, ``431*************17``.

    With the old mask (last four) a resident ID was rebuilt from the birth date, gender and
    county code in 3–16 guesses. Two final digits (one of them the check digit) and the birth
    *year* leave thousands of candidates even when the county code is known.
    """
    if not value:
        return ""
    if len(value) <= 7:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


mask_id_number_short = mask_id_number  # the name the features used while two masks existed


# A resident ID number inside free text: 17 digits and a check character, not part of a longer
# run of digits or letters. Only numbers that pass the GB 11643 checksum are masked.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def id_numbers_in(text: str | None) -> list[str]:
    """The valid GB 11643 resident ID numbers written in ``text``."""
    if not text or len(text) < 18:
        return []
    return [m.group() for m in _ID_IN_TEXT.finditer(text) if _checksum_ok(m.group())]


def _checksum_ok(number: str) -> bool:
    from stdnum.cn import ric

    try:
        return ric.calc_check_digit(number.upper()) == number[-1].upper()
    except Exception:
        return False


def mask_id_numbers_in_text(text):
    """``text`` with every valid resident ID number in it masked like :func:`mask_id_number`
    (request titles, log content, notifications, audit summaries); non-strings pass."""
    if not isinstance(text, str) or len(text) < 18:
        return text
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()) if _checksum_ok(m.group())
                           else m.group(), text)


def birth_year(value) -> int | None:
    """The year of a ``date`` (or ISO string); all of the birth date that masked views show."""
    if not value:
        return None
    return int(str(value)[:4])


def mask_birth_date(value) -> str:
    """``1985-03-15`` → ``1985``: the audit log keeps only the year."""
    year = birth_year(value)
    return str(year) if year else ""
