"""Lights and their history: every change a row with its date and reason."""
from datetime import date

from sqlalchemy import select

from talent.core import timeutil
from talent.extensions import db
from talent.tasks.models import (
    LightChange,
    TaskPlan,
)
from talent.tasks.operations.reading import evaluator


def _record_light(subject_field: str, subject, verdict, on: date, had_history: bool) -> bool:
    if verdict.light is None:
        return False
    if had_history and subject.light == verdict.light:
        return False
    db.session.add(LightChange(**{subject_field: subject.id}, on=on, light=verdict.light,
                               previous=subject.light if had_history else None,
                               reason=verdict.reason[:300]))
    subject.light = verdict.light
    return True


def refresh_lights(plan: TaskPlan, on: date | None = None) -> int:
    """Record every light of the plan that changed since it was last recorded; returns how many.

    An item never changes colour silently: each change is a row with its date and reason. A
    closed plan's history ends at its closing: its outcomes are final, not lights.
    """
    if plan.is_closed:
        return 0
    on = on or timeutil.today()
    judge = evaluator(plan, on)
    item_ids = [item.id for item in plan.items]
    indicator_ids = [i.id for i in plan.indicators]
    seen_items = set(db.session.scalars(select(LightChange.item_id).where(
        LightChange.item_id.in_(item_ids)).distinct()))
    seen_indicators = set(db.session.scalars(select(LightChange.indicator_id).where(
        LightChange.indicator_id.in_(indicator_ids)).distinct()))
    changed = 0
    for item in plan.items:
        changed += _record_light("item_id", item, judge.item(item), on, item.id in seen_items)
    for indicator in plan.indicators:
        changed += _record_light("indicator_id", indicator, judge.indicator(indicator), on,
                                 indicator.id in seen_indicators)
    db.session.flush()
    return changed
