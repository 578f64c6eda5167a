"""Times are stored as naive UTC and shown in China Standard Time."""
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The county's calendar day, which is what deadlines and expiry dates mean."""
    return datetime.now(CHINA).date()


def iso_utc(value: datetime | None) -> str | None:
    """RFC 3339 with the zone, as JSON clients expect: ``2026-11-26T06:51:39Z``."""
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
