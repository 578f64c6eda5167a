"""The 调度 view: progress by action, each indicator against its target, who is behind."""
from dataclasses import dataclass, field
from datetime import date

from talent.core import timeutil
from talent.tasks import operations
from talent.tasks.lights import Figure, Verdict
from talent.tasks.models import LIGHT_LABELS, Directive, TaskAction, TaskIndicator, TaskItem, TaskPlan


@dataclass
class IndicatorRow:
    indicator: TaskIndicator
    figure: Figure
    verdict: Verdict
    code: str  # the item's code, or the action's numeral for 工作任务 targets

    @property
    def progress_pct(self) -> float | None:
        return None if self.verdict.progress is None else round(self.verdict.progress * 100, 1)


@dataclass
class ActionRow:
    action: TaskAction
    items: list[tuple[TaskItem, Verdict]] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LIGHT_LABELS, 0)
        for _item, verdict in self.items:
            counts[verdict.light] += 1
        return counts


@dataclass
class DashboardData:
    plan: TaskPlan
    on: date
    goals: list[IndicatorRow]
    actions: list[ActionRow]
    discipline: list
    directives: list[Directive]

    @property
    def flagged(self) -> dict[str, list[tuple[TaskItem, Verdict]]]:
        found = {"red": [], "yellow": []}
        for row in self.actions:
            for item, verdict in row.items:
                if verdict.light in found:
                    found[verdict.light].append((item, verdict))
        return found

    @property
    def chart(self) -> dict:
        """What static/js/tasks.js draws (fetched as JSON; no inline script under the CSP)."""
        return {
            "actions": [{"label": f"{r.action.numeral}、{r.action.title}", **r.counts}
                        for r in self.actions],
            "indicators": [
                {"label": f"{row.code} {row.indicator.name}",
                 "progress": min(row.progress_pct or 0, 150),
                 "expected": round((row.verdict.expected or 0) * 100, 1),
                 "light": row.verdict.light}
                for r in self.actions for row in r.indicators if row.indicator.target is not None],
            "light_labels": LIGHT_LABELS,
        }


def dashboard_data(plan: TaskPlan, unit_id: int | None = None, on: date | None = None) -> DashboardData:
    on = on or timeutil.today()
    judge = operations.evaluator(plan, on)

    codes = {item.id: item.code for item in plan.items}
    numerals = {action.id: action.numeral for action in plan.actions}

    def row(indicator):
        code = codes.get(indicator.item_id) or numerals.get(indicator.action_id, "")
        return IndicatorRow(indicator, judge.figure(indicator), judge.indicator(indicator), code)

    actions = []
    for action in plan.actions:
        entry = ActionRow(action)
        for item in action.items:
            if unit_id is not None and item.unit_role(unit_id) is None:
                continue
            entry.items.append((item, judge.item(item)))
        shown_items = {item.id for item, _ in entry.items}
        entry.indicators = [row(i) for i in plan.indicators if i.action_id == action.id
                            and ((i.item_id is None and unit_id is None) or i.item_id in shown_items)]
        if entry.items or unit_id is None:
            actions.append(entry)
    goals = [row(i) for i in plan.indicators if i.scope == "goal"]
    discipline = operations.reporting_discipline(plan, on)
    if unit_id is not None:
        discipline = [d for d in discipline if d.unit.id == unit_id]
    directives = operations.open_directives(unit_id=unit_id, plan_id=plan.id)
    return DashboardData(plan, on, goals, actions, discipline, directives)
