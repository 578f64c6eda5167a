"""The plan as data: plans → actions → items → indicators, and what units report against them.

A plan is a county 工作方案 (the seed is 双牌县打好科技创新攻坚仗工作方案); next year's plan is
new rows, never new code. Reports carry cumulative figures (累计完成值) per indicator; the lead
unit confirms them, and one confirmed figure per indicator and period is what progress reads.
"""
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    true as sa_true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.auth.models import Unit
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.tasks.directive_models import (  # noqa: F401 (the 督办 models live in their own module)
    DIRECTIVE_GRADES,
    DIRECTIVE_STATUSES,
    NEXT_GRADE,
    Directive,
    DirectiveCounter,
)
from talent.tasks.metric_figures import MetricFigure  # noqa: F401 (stored metric figures, own module)

ITEM_STATUSES = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成"}
LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成"}
LIGHT_NOTES = {"green": "正常推进", "yellow": "滞后于序时进度", "red": "逾期或未按期报送",
               "done": "已完成"}
# What pages show: the stored lights, and a closed plan's "missed" outcome.
LIGHT_LABELS = {**LIGHTS, "missed": "未完成"}
COMPARISONS = {"at_least": "≥", "about": "≈"}
SOURCES = {"reported": "单位填报", "computed": "系统数据"}
SCOPES = {"goal": "总体目标", "action": "工作任务", "item": "工作事项"}
REPORT_STATUSES = {"submitted": "待确认", "confirmed": "已确认", "returned": "已退回"}
UNIT_ROLES = {"lead": "牵头单位", "responsible": "责任单位"}
PLAN_STATUSES = {"active": "实施中", "closed": "已结束"}
# A closed plan's items carry a final outcome instead of a live light.
OUTCOMES = {"done": "已完成", "missed": "未完成"}
# How units' figures of one indicator combine into the county's figure.
AGGREGATIONS = {"sum": "各单位分别填报，全县数为各单位最新确认数之和",
                "single": "一个正式数（牵头单位或专班办公室），其他单位的数只作参考"}


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class TaskPlan(db.Model):
    """A 工作方案 with its 工作专班 and 保障措施."""

    __tablename__ = "task_plans"
    __table_args__ = (_in("status", PLAN_STATUSES),
                      CheckConstraint("ends_on >= starts_on", name="period_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    year: Mapped[int] = mapped_column()
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text, default="")  # 总体目标
    convener: Mapped[str] = mapped_column(String(200), default="")  # 召集人
    deputy_conveners: Mapped[str] = mapped_column(String(300), default="")  # 副召集人
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # 专班办公室
    safeguards: Mapped[str] = mapped_column(Text, default="")  # 保障措施
    # 序时进度 tolerance in percentage points, set by the admin or the office.
    tolerance: Mapped[int] = mapped_column(default=10)
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("task_plans.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # active while it runs; closed by the office with a final evaluation (then read as history)
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    final_evaluation: Mapped[str] = mapped_column(Text, default="", server_default="")
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    office_unit: Mapped[Unit] = relationship(foreign_keys=[office_unit_id])
    actions: Mapped[list["TaskAction"]] = relationship(
        back_populates="plan", order_by="TaskAction.position", cascade="all, delete-orphan")
    members: Mapped[list["TaskPlanMember"]] = relationship(
        order_by="TaskPlanMember.position", cascade="all, delete-orphan")
    indicators: Mapped[list["TaskIndicator"]] = relationship(
        back_populates="plan", order_by="TaskIndicator.position", cascade="all, delete-orphan")

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def status_label(self) -> str:
        return PLAN_STATUSES[self.status]

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))

    @property
    def member_units(self) -> list[Unit]:
        return [m.unit for m in self.members]

    @property
    def items(self) -> list["TaskItem"]:
        return [item for action in self.actions for item in action.items]

    @property
    def plan_indicators(self) -> list["TaskIndicator"]:
        return [i for i in self.indicators if i.item_id is None]


class TaskPlanMember(db.Model):
    """A member unit of the plan's 工作专班."""

    __tablename__ = "task_plan_members"

    plan_id: Mapped[int] = mapped_column(ForeignKey("task_plans.id", ondelete="CASCADE"),
                                         primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit] = relationship()


class TaskAction(db.Model):
    """A 工作任务 (一、实施关键核心技术攻关行动 …)."""

    __tablename__ = "task_actions"
    __table_args__ = (UniqueConstraint("plan_id", "position", name="uq_task_actions_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("task_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    numeral: Mapped[str] = mapped_column(String(10))  # 一、二 …
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")  # the 工作任务 paragraph

    plan: Mapped[TaskPlan] = relationship(back_populates="actions")
    items: Mapped[list["TaskItem"]] = relationship(
        back_populates="action", order_by="TaskItem.position", cascade="all, delete-orphan")


class TaskItem(db.Model):
    """A 工作事项 of the task list: code ``4.3``, its text, units and deadline."""

    __tablename__ = "task_items"
    __table_args__ = (
        _in("status", ITEM_STATUSES),
        _in("light", LIGHTS),
        CheckConstraint("outcome IS NULL OR outcome IN ('done', 'missed')", name="outcome"),
        UniqueConstraint("action_id", "code", name="uq_task_items_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("task_actions.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    # Completion: the lead unit asks with evidence, the office accepts (status → done).
    done_evidence: Mapped[str] = mapped_column(Text, default="")
    done_requested_at: Mapped[datetime | None] = mapped_column()
    done_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_accepted_at: Mapped[datetime | None] = mapped_column()
    done_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The last light recorded in the history (see lights.py); pages show the live one.
    light: Mapped[str] = mapped_column(String(10), default="green")
    # Set when the plan is closed: done / missed, with the evidence or the reason.
    outcome: Mapped[str | None] = mapped_column(String(10))
    outcome_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    action: Mapped[TaskAction] = relationship(back_populates="items")
    unit_links: Mapped[list["TaskItemUnit"]] = relationship(
        order_by="TaskItemUnit.position", cascade="all, delete-orphan")
    indicators: Mapped[list["TaskIndicator"]] = relationship(
        back_populates="item", order_by="TaskIndicator.position")

    @property
    def plan(self) -> TaskPlan:
        return self.action.plan

    @property
    def lead_units(self) -> list[Unit]:
        return [link.unit for link in self.unit_links if link.role == "lead"]

    @property
    def responsible_units(self) -> list[Unit]:
        return [link.unit for link in self.unit_links if link.role == "responsible"]

    @property
    def all_units(self) -> list[Unit]:
        return [link.unit for link in self.unit_links]

    def unit_role(self, unit_id: int | None) -> str | None:
        return next((link.role for link in self.unit_links if link.unit_id == unit_id), None)

    @property
    def status_label(self) -> str:
        return ITEM_STATUSES[self.status]


class TaskItemUnit(db.Model):
    """An item's lead (牵头) or responsible (责任) unit."""

    __tablename__ = "task_item_units"
    __table_args__ = (_in("role", UNIT_ROLES),)

    item_id: Mapped[int] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"),
                                         primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit] = relationship()


class TaskIndicator(db.Model):
    """A number the plan names: on an item, on an action (工作任务) or on the plan (总体目标).

    ``target`` NULL means a figure the office monitors without a number in the text (e.g. VIP
    cards issued under 4.3). A growth target (``measure`` %) compares the year's figure
    with ``baseline_value`` of ``baseline_year``; the figure is then reported in ``level_measure``.
    """

    __tablename__ = "task_indicators"
    __table_args__ = (
        _in("comparison", COMPARISONS),
        _in("source", SOURCES),
        _in("scope", SCOPES),
        _in("light", LIGHTS),
        CheckConstraint("source != 'computed' OR metric_key IS NOT NULL", name="computed_has_key"),
        _in("aggregation", AGGREGATIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("task_plans.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("task_actions.id", ondelete="CASCADE"),
                                                  index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"),
                                                index=True)
    scope: Mapped[str] = mapped_column(String(10), default="item")
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    measure: Mapped[str] = mapped_column(String(10))
    target: Mapped[float | None] = mapped_column(Float)
    comparison: Mapped[str] = mapped_column(String(10), default="at_least")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column()
    level_measure: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(10), default="reported")
    metric_key: Mapped[str | None] = mapped_column(String(80))
    deadline: Mapped[date | None] = mapped_column(Date)
    # The latest confirmed figure (reported) — computed ones are read from their stored figure
    # (task_metric_figures, refreshed by the worker).
    actual: Mapped[float | None] = mapped_column(Float)
    actual_period: Mapped[str | None] = mapped_column(String(7))
    light: Mapped[str] = mapped_column(String(10), default="green")
    aggregation: Mapped[str] = mapped_column(String(10), default="single", server_default="single")
    # A computed figure counts from the plan's start (a target for the whole period) or is the
    # year's own figure (a rate, a yearly count).
    cumulative: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    plan: Mapped[TaskPlan] = relationship(back_populates="indicators")
    item: Mapped[TaskItem | None] = relationship(back_populates="indicators")
    action: Mapped[TaskAction | None] = relationship()
    # Units the office names as reporters of a goal or 工作任务 indicator besides itself and the
    # lead units (县统计局 for the growth rates); their figure counts as an official one.
    named_units: Mapped[list[Unit]] = relationship(
        secondary="task_indicator_units", order_by="Unit.sort_order, Unit.id")

    @property
    def aggregation_label(self) -> str:
        return AGGREGATIONS[self.aggregation]

    @property
    def is_growth(self) -> bool:
        return self.baseline_year is not None

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "（监测，无量化目标）"
        return f"{COMPARISONS[self.comparison]} {_number(self.target)} {self.measure}"


class TaskIndicatorUnit(db.Model):
    """A unit named on a goal or 工作任务 indicator as one that may report it."""

    __tablename__ = "task_indicator_units"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("task_indicators.id", ondelete="CASCADE"),
                                              primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class ProgressReport(db.Model):
    """A unit's monthly report on an item: what was done, problems, cumulative figures."""

    __tablename__ = "task_reports"
    __table_args__ = (
        _in("status", REPORT_STATUSES),
        UniqueConstraint("item_id", "unit_id", "period", name="uq_task_reports_unit_period"),
        CheckConstraint("period LIKE '____-__'", name="period_format"),
        Index("ix_task_reports_period", "period", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    narrative: Mapped[str] = mapped_column(Text)
    problems: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    review_comment: Mapped[str] = mapped_column(String(500), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    item: Mapped[TaskItem] = relationship()
    unit: Mapped[Unit] = relationship()
    values: Mapped[list["ReportValue"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportValue.indicator_id")
    attachments: Mapped[list["ReportAttachment"]] = relationship(
        cascade="all, delete-orphan", order_by="ReportAttachment.id")

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES[self.status]

    def value_of(self, indicator_id: int) -> float | None:
        return next((v.value for v in self.values if v.indicator_id == indicator_id), None)


class ReportValue(db.Model):
    __tablename__ = "task_report_values"
    __table_args__ = (UniqueConstraint("report_id", "indicator_id", name="uq_task_report_values"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("task_reports.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("task_indicators.id", ondelete="CASCADE"),
                                              index=True)
    value: Mapped[float] = mapped_column(Float)

    report: Mapped[ProgressReport] = relationship(back_populates="values")
    indicator: Mapped[TaskIndicator] = relationship()


class ReportAttachment(db.Model):
    """A file attached to a report (checked by content; stored outside static/, see files.py)."""

    __tablename__ = "task_report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("task_reports.id", ondelete="CASCADE"),
                                           index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndicatorFigure(db.Model):
    """A unit's confirmed figure of an indicator for a period (from the report that confirmed it,
    or entered by the office for goal and 工作任务 indicators). One row per unit and period: a
    unit's later figure replaces only its own part."""

    __tablename__ = "task_indicator_figures"
    __table_args__ = (UniqueConstraint("indicator_id", "period", "unit_id",
                                       name="uq_task_figures_unit_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("task_indicators.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("task_reports.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class LightChange(db.Model):
    """A light an item or indicator turned, when and why."""

    __tablename__ = "task_light_changes"
    __table_args__ = (
        _in("light", LIGHTS),
        CheckConstraint("(item_id IS NULL) != (indicator_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("task_items.id", ondelete="CASCADE"),
                                                index=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("task_indicators.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    light: Mapped[str] = mapped_column(String(10))
    previous: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
