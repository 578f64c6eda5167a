"""What the dashboard and the task tracker count.

The 科工信局 dashboard counts like the lists do: at most ``COUNT_CAP`` + 1 rows each, so a figure
past 10,000 reads "10,000+" and its link opens the list with the exact total (``?exact=1``);
every count is over an index (the pending logs' partial index, ``served_on``, the commissioners'
``(status, level)``, and one index probe per row for "no log in 30 days" / "no active
assignment"), never a grouping over all logs.
"""
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select

from talent.commissioners import choices
from talent.commissioners.assessment_models import Project
from talent.commissioners.models import (
    Assignment,
    Commissioner,
    SelectionRound,
    ServiceLog,
    ServiceTarget,
    Town,
)
from talent.commissioners.operations.assessment import YearFigures, year_figures
from talent.commissioners.operations.base import year_bounds
from talent.commissioners.operations.people import IDLE_DAYS, logged_since
from talent.commissioners.operations.targets import actively_served
from talent.core.pagination import capped_count
from talent.core.timeutil import today
from talent.extensions import db


@dataclass(frozen=True)
class Figure:
    """A dashboard count: exact up to the cap, else the cap as a lower bound ("10,000+")."""

    value: int
    estimate: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.estimate else f"{self.value:,}"


def _figure(query) -> Figure:
    return Figure(*capped_count(query))


def idle_commissioners() -> Figure:
    """Active commissioners with no log in the last ``IDLE_DAYS`` days."""
    return _figure(select(Commissioner.id).where(Commissioner.status == "active",
                                                 ~logged_since(IDLE_DAYS)))


def unserved_targets() -> Figure:
    """Service targets without an active assignment."""
    return _figure(select(ServiceTarget.id).where(~actively_served()))


def towns_without_assignment() -> list[Town]:
    """Towns with no target under an active assignment: per town, the first served target ends
    the search (two index probes), instead of joining every active assignment."""
    served = exists().where(ServiceTarget.town_id == Town.id, exists().where(
        Assignment.target_id == ServiceTarget.id, Assignment.status == "active"))
    return list(db.session.scalars(select(Town).where(~served).order_by(Town.sort_order)))


def staff_summary() -> dict:
    month_start = today().replace(day=1)
    return {
        "active": _figure(select(Commissioner.id).where(Commissioner.status == "active")),
        "month_start": month_start,
        "logs_this_month": _figure(select(ServiceLog.id).where(ServiceLog.served_on >= month_start)),
        "pending": _figure(select(ServiceLog.id).where(ServiceLog.status == "submitted")),
        "idle": idle_commissioners(),
        "unserved": unserved_targets(),
        "idle_towns": towns_without_assignment(),
    }


def my_summary(commissioner_id: int) -> dict:
    year = today().year
    return {
        "assignments": db.session.scalar(select(func.count(Assignment.id)).where(
            Assignment.commissioner_id == commissioner_id, Assignment.status == "active")) or 0,
        "figures": year_figures(year, [commissioner_id]).get(commissioner_id, YearFigures()),
        "returned": db.session.scalar(select(func.count(ServiceLog.id)).where(
            ServiceLog.commissioner_id == commissioner_id, ServiceLog.status == "returned")) or 0,
        "year": year,
    }


def county_selected(year: int) -> int:
    """县派科技特派员 selected in ``year``'s county rounds."""
    return db.session.scalar(
        select(func.count(Commissioner.id)).join(SelectionRound)
        .where(SelectionRound.year == year, SelectionRound.level == "county",
               Commissioner.level == "county")) or 0


def provincial_projects(year: int) -> int:
    """省级科技特派员服务乡村振兴科技项目 won (approved or completed) for ``year``."""
    return db.session.scalar(select(func.count(Project.id)).where(
        Project.year == year, Project.level == "provincial",
        Project.kind == "rural_revitalization",
        Project.status.in_(choices.WON_PROJECT_STATUSES))) or 0


def targets_served(year: int) -> int:
    """Enterprises and cooperatives with at least one service logged (not sent back) in ``year``."""
    first, last = year_bounds(year)
    return db.session.scalar(
        select(func.count(func.distinct(ServiceLog.target_id)))
        .join(ServiceTarget, ServiceTarget.id == ServiceLog.target_id)
        .where(and_(ServiceLog.served_on.between(first, last), ServiceLog.status != "returned",
                    ServiceTarget.kind.in_(("enterprise", "cooperative"))))) or 0
