"""Projects and the annual assessment's figures and grades."""
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, exists, func, or_, select

from talent.commissioners import choices
from talent.commissioners.assessment_models import Assessment, Project, ScoringRules
from talent.commissioners.models import Commissioner, ServiceLog, TargetRating
from talent.commissioners.operations import scoring
from talent.commissioners.operations.base import RuleBroken, create_audited, update_audited, year_bounds
from talent.core import audit
from talent.core.timeutil import utcnow
from talent.extensions import db


def create_project(actor, values: Mapping) -> Project:
    return create_audited(actor, Project(**values), values, values["name"])


def update_project(actor, project: Project, values: Mapping) -> dict:
    return update_audited(actor, project, values, project.name)


def grade(actor, commissioner: Commissioner, year: int, grade_code: str, note: str) -> Assessment:
    """The clerk's grade, with the points and suggested grade of the rules in force kept beside
    it; a grade other than the suggested one needs a reason (``note``). Audited."""
    figures = year_figures(year, [commissioner.id]).get(commissioner.id, YearFigures())
    rules = scoring.rules_of_round(commissioner.round_id)
    total, suggested = scoring.score(figures, rules.rules)
    note = note.strip()
    if grade_code != suggested and not note:
        message = (f"与按积分规则建议的等次（{choices.GRADES[suggested]}，{total:g} 分）不同，"
                   "请在考核意见中写明理由")
        raise RuleBroken(message, fields={"note": [message]})
    assessment = db.session.scalar(select(Assessment).where(
        Assessment.commissioner_id == commissioner.id, Assessment.year == year))
    values = {"grade": grade_code, "note": note, "points": total, "suggested_grade": suggested,
              "rules_id": rules.id, "rules_version": rules.version}
    summary = f"{commissioner.name} {year}年度考核"
    if assessment is None:
        assessment = Assessment(commissioner_id=commissioner.id, year=year,
                                graded_by_id=getattr(actor, "id", None), graded_at=utcnow(), **values)
        db.session.add(assessment)
        db.session.flush()
        audit.record(actor, "grade", assessment, audit.snapshot({"year": year, **values}),
                     summary=summary)
        return assessment
    changes = audit.apply_changes(assessment, values)
    if changes:
        assessment.graded_by_id, assessment.graded_at = getattr(actor, "id", None), utcnow()
        db.session.flush()
        audit.record(actor, "grade", assessment, changes, summary=summary)
    return assessment


@dataclass
class ScoredRow:
    """One commissioner's line of the 考核表: figures, points and suggested grade by the rules
    (those the grade was given under, once graded), and the grade."""

    commissioner: Commissioner
    figures: "YearFigures"
    assessment: Assessment | None
    rules: scoring.RulesInForce
    points: float
    suggested_grade: str

    def to_dict(self) -> dict:
        api_grade = {"excellent": "excellent", "pass": "qualified",
                     "basic_pass": "basically_qualified", "fail": "unqualified"}
        return {"commissioner_id": self.commissioner.id, "name": self.commissioner.name,
                "points": self.points, "suggested_grade": api_grade[self.suggested_grade],
                "grade": api_grade.get(self.assessment.grade) if self.assessment else None,
                "reason": self.assessment.note if self.assessment else "",
                "rules_version": self.rules.version, "service_days": self.figures.days}


def scored_rows(year: int, commissioners: list[Commissioner] | None = None) -> list[ScoredRow]:
    rows = []
    live: dict = {}
    for commissioner, figures, assessment in assessment_rows(year, commissioners):
        if assessment is not None and assessment.suggested_grade:
            stored = db.session.get(ScoringRules, assessment.rules_id) if assessment.rules_id else None
            rules = scoring.RulesInForce(stored.id, stored.version, stored.rules) if stored \
                else scoring.DEFAULT
            rows.append(ScoredRow(commissioner, figures, assessment, rules,
                                  float(assessment.points or 0), assessment.suggested_grade))
            continue
        if commissioner.round_id not in live:
            live[commissioner.round_id] = scoring.rules_of_round(commissioner.round_id)
        rules = live[commissioner.round_id]
        total, suggested = scoring.score(figures, rules.rules)
        rows.append(ScoredRow(commissioner, figures, assessment, rules, total, suggested))
    return rows


@dataclass
class YearFigures:
    days: int = 0
    logs: int = 0
    hours: float = 0.0
    trained: int = 0
    technologies: set = field(default_factory=set)
    projects: int = 0
    pending: int = 0
    trainings: int = 0  # confirmed 培训授课 logs
    rating_count: int = 0  # confirmed logs the served target rated
    rating_sum: int = 0

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def technology_count(self) -> int:
        return len(self.technologies)


def year_figures(year: int, commissioner_ids: list[int] | None = None) -> dict[int, YearFigures]:
    """Per commissioner, from confirmed logs of the year: days served (distinct dates), logs,
    hours, people trained, technologies promoted; projects won that year; logs awaiting
    confirmation."""
    first, last = year_bounds(year)
    in_year = [ServiceLog.served_on.between(first, last)]
    if commissioner_ids is not None:
        in_year.append(ServiceLog.commissioner_id.in_(commissioner_ids))
    confirmed = [*in_year, ServiceLog.status == "confirmed"]
    figures: dict[int, YearFigures] = defaultdict(YearFigures)
    # One pass over the year's logs; the status goes into CASE, not WHERE, so the planner keeps
    # to (commissioner_id, served_on) rather than the partial index of pending logs.
    is_confirmed = ServiceLog.status == "confirmed"
    rows = db.session.execute(
        select(ServiceLog.commissioner_id,
               func.count(func.distinct(case((is_confirmed, ServiceLog.served_on)))),
               func.sum(case((is_confirmed, 1), else_=0)),
               func.coalesce(func.sum(case((is_confirmed, ServiceLog.hours))), 0),
               func.coalesce(func.sum(case((is_confirmed, ServiceLog.trained_count))), 0),
               func.sum(case((ServiceLog.status == "submitted", 1), else_=0)),
               func.sum(case((and_(is_confirmed, ServiceLog.kind == "training"), 1), else_=0)))
        .where(*in_year).group_by(ServiceLog.commissioner_id))
    for cid, days, logs, hours, trained, pending, trainings in rows:
        figures[cid] = YearFigures(days=days, logs=int(logs or 0), hours=float(hours or 0),
                                   trained=int(trained or 0), pending=int(pending or 0),
                                   trainings=int(trainings or 0))
    for cid, technologies in db.session.execute(
            select(ServiceLog.commissioner_id, ServiceLog.technologies).where(*confirmed)):
        figures[cid].technologies.update(technologies or [])
    for cid, rated, total in db.session.execute(
            select(ServiceLog.commissioner_id, func.count(TargetRating.id), func.sum(TargetRating.score))
            .join(TargetRating, TargetRating.log_id == ServiceLog.id).where(*confirmed)
            .group_by(ServiceLog.commissioner_id)):
        figures[cid].rating_count, figures[cid].rating_sum = rated, int(total or 0)
    project_query = (select(Project.commissioner_id, func.count())
                     .where(Project.year == year, Project.status.in_(choices.WON_PROJECT_STATUSES))
                     .group_by(Project.commissioner_id))
    if commissioner_ids is not None:
        project_query = project_query.where(Project.commissioner_id.in_(commissioner_ids))
    for cid, count in db.session.execute(project_query):
        figures[cid].projects = count
    return dict(figures)


def assessment_query(year: int) -> Select:
    """Every commissioner on post that year (or with a log in it), in filing order."""
    first, last = year_bounds(year)
    served = exists().where(ServiceLog.commissioner_id == Commissioner.id,
                            ServiceLog.served_on.between(first, last))
    return (select(Commissioner)
            .where(or_(Commissioner.status == "active", served))
            .order_by(Commissioner.level, Commissioner.name, Commissioner.id))


def assessment_rows(year: int, commissioners: list[Commissioner] | None = None
                    ) -> list[tuple[Commissioner, YearFigures, Assessment | None]]:
    """Commissioners with their figures and grade for ``year`` (all of them when not given)."""
    if commissioners is None:
        commissioners = list(db.session.scalars(assessment_query(year)))
        ids = None
    else:
        ids = [c.id for c in commissioners]
    figures = year_figures(year, ids)
    grade_query = select(Assessment).where(Assessment.year == year)
    if ids is not None:
        grade_query = grade_query.where(Assessment.commissioner_id.in_(ids))
    grades = {a.commissioner_id: a for a in db.session.scalars(grade_query)}
    return [(c, figures.get(c.id, YearFigures()), grades.get(c.id)) for c in commissioners]
