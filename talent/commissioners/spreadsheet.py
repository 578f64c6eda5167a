"""Exports: the service-log list as filtered, and the annual assessment as filed upward."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from talent.auth.models import User
from talent.commissioners import choices, operations
from talent.commissioners.models import ServiceLog, ServiceTarget, Town
from talent.core.spreadsheet import Counted, write_xlsx
from talent.core.timeutil import local
from talent.extensions import db

FORMULA_START = ("=", "+", "-", "@")


def text(value) -> str:
    """User text goes into a cell as text, never as a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


LOG_HEADERS = ["编号", "服务日期", "科技特派员", "选派层级", "服务对象", "所在乡镇", "服务类型",
               "服务内容", "时长（小时）", "培训人数", "推广技术/品种", "服务地点", "照片（张）",
               "状态", "确认人", "确认时间", "退回意见"]
LOG_WIDTHS = [8, 12, 10, 8, 28, 12, 10, 50, 10, 10, 30, 20, 10, 8, 12, 18, 20]


def export_logs(user, query: operations.LogQuery, progress=None):
    """The filtered list as ``user`` may see it, streamed a thousand rows at a time; returns the
    file and how many rows it holds. ``progress(rows)`` is told every thousand rows (a background
    export's progress bar)."""
    towns = dict(db.session.execute(select(ServiceTarget.id, Town.name).join(Town)).all())
    users = dict(db.session.execute(select(User.id, User.display_name)).all())
    statement = (query.select(user)
                 .options(selectinload(ServiceLog.commissioner), selectinload(ServiceLog.target),
                          selectinload(ServiceLog.photos))
                 .execution_options(yield_per=1000))

    logs = Counted(db.session.scalars(statement), progress)

    def rows():
        for log in logs:
            yield [log.id, log.served_on, text(log.commissioner.name), log.commissioner.level_label,
                   text(log.target.name), towns.get(log.target_id, ""), log.kind_label,
                   text(log.content), float(log.hours or 0), log.trained_count,
                   text("；".join(log.technologies or [])), text(log.location), len(log.photos),
                   log.status_label, text(users.get(log.confirmed_by_id, "")),
                   local(log.confirmed_at), text(log.return_comment)]

    return write_xlsx("服务日志", LOG_HEADERS, rows(), LOG_WIDTHS), logs.count


ASSESSMENT_HEADERS = ["序号", "姓名", "选派层级", "“三区”人才", "派出单位", "专业特长",
                      "服务天数", "服务次数", "服务时长（小时）", "培训人数", "推广技术/品种（项）",
                      "科技项目（项）", "考核等次", "考核意见", "服务对象评价（平均分）", "评价条数",
                      "培训次数", "积分", "建议等次", "积分规则版本"]
ASSESSMENT_WIDTHS = [6, 10, 8, 10, 28, 24, 10, 10, 14, 10, 16, 12, 10, 30, 18, 10, 10, 10, 10, 18]


def export_assessment(year: int):
    """The 考核表 as filed: a title, the rules' versions, one row per commissioner, and the lines
    the 经办人 and 负责人 sign."""
    rows_ = operations.scored_rows(year)
    versions = "；".join(sorted({row.rules.label for row in rows_})) or "默认规则（第 0 版）"

    def rows():
        for number, row in enumerate(rows_, start=1):
            commissioner, figures, assessment = row.commissioner, row.figures, row.assessment
            yield [number, text(commissioner.name), commissioner.level_label,
                   "是" if commissioner.three_regions else "否", text(commissioner.employer),
                   text(commissioner.expertise), figures.days, figures.logs,
                   round(figures.hours, 1), figures.trained, figures.technology_count,
                   figures.projects,
                   choices.GRADES.get(assessment.grade, "") if assessment else "",
                   text(assessment.note) if assessment else "",
                   figures.rating_average if figures.rating_count else "", figures.rating_count,
                   figures.trainings, row.points, choices.GRADES[row.suggested_grade],
                   row.rules.label]

    before = [[f"双牌县{year}年度科技特派员考核表"], [f"积分规则：{versions}"]]
    after = [[], ["经办人（签字）：", "", "", "", "负责人（签字）：", "", "", "", "日期："]]
    return write_xlsx(f"{year}年度考核", ASSESSMENT_HEADERS, rows(), ASSESSMENT_WIDTHS,
                      before=before, after=after)
