"""Refusals, audited create/update and argument parsing shared by the commissioner operations."""
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import date

from sqlalchemy.exc import IntegrityError

from talent.core import audit
from talent.core.errors import Refused
from talent.extensions import db


class Conflict(Refused):
    status = 409


class RuleBroken(Refused):
    status = 422


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@contextmanager
def guarded_flush(on_conflict):
    """Flush; a unique index that a concurrent request won becomes ``on_conflict()``.

    Unlike ``core.db.guarded_flush`` this uses no SAVEPOINT: with pysqlite a SAVEPOINT opened
    before any write starts the transaction itself, and its RELEASE commits everything — so a
    refusal later in the request could no longer be rolled back. The whole request is rolled
    back instead, which is what a refusal does anyway.
    """
    try:
        yield
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise on_conflict() from None


def create_audited(actor, obj, values: Mapping, summary: str, conflict=None):
    with guarded_flush(conflict or (lambda: Conflict("与已有数据冲突，请检查后重试"))):
        db.session.add(obj)
    audit.record(actor, "create", obj, audit.snapshot(dict(values)), summary=summary)
    return obj


def update_audited(actor, obj, values: Mapping, summary: str, conflict=None) -> dict:
    with guarded_flush(conflict or (lambda: Conflict("与已有数据冲突，请检查后重试"))):
        changes = audit.apply_changes(obj, dict(values))
    if changes:
        audit.record(actor, "update", obj, changes, summary=summary)
    return changes


def int_arg(args: Mapping, name: str) -> int | None:
    raw = str(args.get(name) or "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def date_arg(args: Mapping, name: str) -> date | None:
    try:
        return date.fromisoformat(str(args.get(name) or ""))
    except ValueError:
        return None


def choice_arg(args: Mapping, name: str, values: Mapping) -> str:
    raw = args.get(name) or ""
    return raw if raw in values else ""
