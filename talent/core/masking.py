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
