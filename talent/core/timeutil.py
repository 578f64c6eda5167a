"""Times are stored as naive UTC and shown in the county's time zone (``TIMEZONE``, default
Asia/Shanghai) wherever a person reads them: pages, file names, spreadsheet cells, reports."""
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"
# China Standard Time has had no daylight saving since 1991: a fixed offset is exact for it and
# needs no tz database, so a machine without tzdata still shows the right time.
CHINA = timezone(timedelta(hours=8), "CST")


@cache
def _zone_named(name: str) -> tzinfo:
    if name == DEFAULT_TIMEZONE:
        return CHINA
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return CHINA


def zone() -> tzinfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    return _zone_named(name)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    return datetime.now(zone())


def today() -> date:
    """The county's calendar day, which is what deadlines and expiry dates mean."""
    return local_now().date()


def to_local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(zone())


def utc_start_of(day: date) -> datetime:
    """The stored (naive UTC) instant at which ``day`` begins in the county."""
    return datetime(day.year, day.month, day.day, tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def iso_utc(value: datetime | None) -> str | None:
    """RFC 3339 with the zone, as JSON clients expect: ``2026-11-26T06:51:39Z``."""
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return to_local(value).strftime(fmt) if value is not None else ""


def file_stamp(fmt: str = "%Y%m%d-%H%M") -> str:
    """For export file names: the local time the clerk sees on the clock."""
    return local_now().strftime(fmt)
