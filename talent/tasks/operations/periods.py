"""Which months a plan takes reports for."""
import re
from datetime import date

from talent.core import timeutil
from talent.tasks.lights import period_of
from talent.tasks.models import TaskPlan

PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A month's report is on time when it arrives by this day of the following month.
REPORT_DUE_DAY = 5


def check_period(plan: TaskPlan, period: str, on: date | None = None) -> str | None:
    """The message for an unacceptable period, or None: a month of the plan's period, not in
    the future, of a plan that still runs."""
    if not PERIOD_PATTERN.match(period or ""):
        return "报告期应为 YYYY-MM，例如 2023-06"
    if plan.is_closed:
        return f"{plan.name}已结束，不再接受报送"
    if period < period_of(plan.starts_on) or period > period_of(plan.ends_on):
        return (f"报告期 {period} 不在{plan.name}的实施期内"
                f"（{plan.starts_on:%Y-%m-%d} 至 {plan.ends_on:%Y-%m-%d}）")
    if period > period_of(on or timeutil.today()):
        return "不能报送未来月份的进度"
    return None
