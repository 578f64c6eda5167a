"""Closing a plan: the office writes the final evaluation; every item gets its final outcome.

After closing, the plan is history: its items show done / missed with the evidence or reason
instead of a live light, take no reports, and drop out of 催报, current dashboards and the
home page's prompt.
"""
from collections.abc import Mapping
from datetime import date

from talent.core import audit, timeutil
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.tasks import metric_figures
from talent.tasks.models import OUTCOMES, TaskPlan
from talent.tasks.operations.access import TaskRefused, require_office
from talent.tasks.operations.lighting import refresh_lights
from talent.tasks.operations.reading import evaluator


def proposed_outcomes(plan: TaskPlan, on: date | None = None) -> dict[int, tuple[str, str]]:
    """Item id → (outcome, note) proposed for review: done with its evidence when accepted as
    complete, otherwise missed with the reason its light gives today."""
    judge = evaluator(plan, on or timeutil.today())
    proposed = {}
    for item in plan.items:
        if item.status == "done":
            proposed[item.id] = ("done", item.done_evidence or "牵头单位报结，专班办公室验收")
        else:
            proposed[item.id] = ("missed", judge.item(item).reason)
    return proposed


def close_plan(actor, plan: TaskPlan, evaluation: str,
               outcomes: Mapping[int, tuple[str, str]] | None = None, on: date | None = None) -> None:
    """The office closes a plan with its final evaluation and each item's outcome (as reviewed,
    else as proposed). The last lights are recorded first, so the history ends where it stood."""
    require_office(actor, plan)
    if plan.is_closed:
        raise TaskRefused(f"{plan.name}已结束")
    if not (evaluation or "").strip():
        raise TaskRefused("结束方案须填写总体评估", fields={"final_evaluation": ["请填写总体评估"]},
                          status=422)
    # The final outcomes read the computed indicators as they stand now, not as the worker last
    # stored them (a figure up to a minute old, or older with the worker down).
    metric_figures.recompute(metric_figures.needed(on, plan_id=plan.id))
    chosen = {**proposed_outcomes(plan, on), **(outcomes or {})}
    for outcome, note in chosen.values():
        if outcome not in OUTCOMES:
            raise TaskRefused("事项结果应为已完成或未完成", fields={"outcomes": ["结果不正确"]}, status=422)
        if not (note or "").strip():
            raise TaskRefused("每个事项须写明完成佐证或未完成原因",
                              fields={"outcomes": ["请写明佐证或原因"]}, status=422)
    refresh_lights(plan, on)
    changes = audit.apply_changes(plan, {"status": "closed",
                                         "final_evaluation": evaluation.strip()})
    plan.closed_at = utcnow()
    plan.closed_by_id = getattr(actor, "id", None)
    for item in plan.items:
        outcome, note = chosen[item.id]
        item.outcome, item.outcome_note = outcome, note.strip()[:2000]
        changes[f"outcome_{item.code}"] = [None, f"{OUTCOMES[outcome]}：{item.outcome_note}"]
    db.session.flush()
    audit.record(actor, "close", plan, changes, summary=f"{plan.name} 结束")
