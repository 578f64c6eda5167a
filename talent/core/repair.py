"""``flask --app app repair-text``: find and repair stored text that the input boundary
(:mod:`talent.core.inputs`) would now refuse — control characters, lone surrogates, bidi
overrides — left by requests made before it existed.

Every text and JSON column of every model is read through the ORM (so encrypted columns are
read in plain text) and cleaned with :func:`talent.core.inputs.printable`; each repaired row is
audited (action ``repair_text``) with the columns and the character codes removed — never the
values, which may be personal data. The audit log itself is append-only and is not rewritten:
its pages and exports show it through ``printable`` instead.
"""
from dataclasses import dataclass, field

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.types import TypeDecorator

from talent.core import audit
from talent.core.inputs import FORBIDDEN_RE, describe, printable
from talent.extensions import db

SKIPPED_TABLES = {"audit_entries"}


@dataclass
class RepairReport:
    rows: int = 0
    by_table: dict[str, int] = field(default_factory=dict)


def _kind(column_type) -> str | None:
    base = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    if isinstance(base, JSON):
        return "json"
    if isinstance(base, String | Text):
        return "text"
    return None


def _clean_json(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): _clean_json(v) for k, v in value.items()}
    return value


def _found_chars(value, found: set) -> None:
    if isinstance(value, str):
        found.update(describe(m.group()) for m in FORBIDDEN_RE.finditer(value))
    elif isinstance(value, list):
        for v in value:
            _found_chars(v, found)
    elif isinstance(value, dict):
        for k, v in value.items():
            _found_chars(k, found)
            _found_chars(v, found)


def _models():
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        table = getattr(model, "__table__", None)
        if table is None or table.name in SKIPPED_TABLES:
            continue
        columns = [(attr.key, kind) for attr in mapper.column_attrs
                   if len(attr.columns) == 1 and (kind := _kind(attr.columns[0].type)) is not None]
        if columns:
            yield model, columns


def repair_text(*, dry_run: bool = False) -> RepairReport:
    """Clean every stored value the boundary would refuse; flush, the caller commits."""
    report = RepairReport()
    for model, columns in _models():
        for obj in db.session.scalars(select(model)).all():
            changes = {}
            for key, kind in columns:
                value = getattr(obj, key)
                found: set = set()
                _found_chars(value, found)
                if not found:
                    continue
                changes[key] = ["含不可保存的字符 " + "、".join(sorted(found)), "已清除"]
                if not dry_run:
                    setattr(obj, key, _clean_json(value) if kind == "json" else printable(value))
            if changes:
                report.rows += 1
                table = model.__table__.name
                report.by_table[table] = report.by_table.get(table, 0) + 1
                if not dry_run:
                    audit.record(None, "repair_text", audit.Subject(table, getattr(obj, "id", 0) or 0),
                                 changes, summary="清除不可保存的字符（repair-text）")
    if not dry_run:
        db.session.flush()
    return report

