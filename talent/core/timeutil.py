"""Times are stored as naive UTC and shown in China Standard Time."""
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The county's calendar day, which is what deadlines and expiry dates mean."""
    return datetime.now(CHINA).date()


def local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
