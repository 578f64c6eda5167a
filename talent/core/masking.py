"""Masks for personal data shown to those who may not see it whole."""


def mask_id_number(value: str | None) -> str:
    """Keep the first three and last four characters: ``430***********1234``."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


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


def mask_id_number_short(value: str | None) -> str:
    """For those who may not see ID numbers whole: the first three and last two characters,
    ``431*************17``.

    With the old mask (last four) a resident ID was rebuilt from the birth date, gender and
    county code in 3–16 guesses. Two final digits (one of them the check digit) and the birth
    *year* leave thousands of candidates even when the county code is known.
    """
    if not value:
        return ""
    if len(value) <= 7:
        return value[0] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def birth_year(value) -> int | None:
    """The year of a ``date`` (or ISO string); all of the birth date that masked views show."""
    if not value:
        return None
    return int(str(value)[:4])


def mask_birth_date(value) -> str:
    """``1985-03-15`` → ``1985``: the audit log keeps only the year."""
    year = birth_year(value)
    return str(year) if year else ""
