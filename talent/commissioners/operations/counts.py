"""What the dashboard and the task tracker count."""
from sqlalchemy import and_, func, select

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
from talent.core.timeutil import today
from talent.extensions import db


def idle_commissioners_count() -> int:
    return db.session.scalar(select(func.count(Commissioner.id)).where(
        Commissioner.status == "active", ~logged_since(IDLE_DAYS))) or 0


def unserved_targets_count() -> int:
    return db.session.scalar(select(func.count(ServiceTarget.id)).where(~actively_served())) or 0


def towns_without_assignment() -> list[Town]:
    served = (select(ServiceTarget.town_id).join(Assignment, Assignment.target_id == ServiceTarget.id)
              .where(Assignment.status == "active"))
    return list(db.session.scalars(select(Town).where(Town.id.not_in(served))
                                   .order_by(Town.sort_order)))


def staff_summary() -> dict:
    month_start = today().replace(day=1)
    return {
        "active": db.session.scalar(select(func.count(Commissioner.id))
                                    .where(Commissioner.status == "active")) or 0,
        "month_start": month_start,
        "logs_this_month": db.session.scalar(select(func.count(ServiceLog.id))
                                             .where(ServiceLog.served_on >= month_start)) or 0,
        "pending": db.session.scalar(select(func.count(ServiceLog.id))
                                     .where(ServiceLog.status == "submitted")) or 0,
        "idle": idle_commissioners_count(),
        "unserved": unserved_targets_count(),
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
