"""The 调度 report as Word (python-docx) and Excel: where every item stands, for the 调度会.

Every text goes through ``printable`` (python-docx, like openpyxl, refuses control characters)."""
import tempfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt, RGBColor
from sqlalchemy import select

from talent.core.inputs import printable
from talent.core.spreadsheet import write_xlsx
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.dashboard import dashboard_data
from talent.tasks.models import DIRECTIVE_STATUSES, LIGHTS, Directive, ProgressReport, TaskPlan

LIGHT_COLOURS = {"red": RGBColor(0xC0, 0x00, 0x00), "yellow": RGBColor(0xB8, 0x86, 0x0B),
                 "green": RGBColor(0x00, 0x80, 0x00), "done": RGBColor(0x40, 0x40, 0x40)}
ITEM_HEADERS = ["编号", "工作事项", "牵头单位", "完成时限", "灯色", "指标进度", "存在问题", "督办情况"]


def _number(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _indicator_line(row) -> str:
    indicator = row.indicator
    shown = _number(row.figure.value)
    if indicator.is_growth and row.figure.level is not None and row.figure.value is None:
        shown = f"{_number(row.figure.level)}{indicator.level_measure}（基数未填）"
    elif row.figure.value is not None:
        shown = f"{shown}{indicator.measure}"
    target = indicator.target_text
    progress = f"，完成 {row.progress_pct:.0f}%" if row.progress_pct is not None else ""
    return f"{indicator.name}：{shown}（目标 {target}{progress}）"


def _problems(plan: TaskPlan) -> dict[int, str]:
    """Per item, the problems of its latest report that names any."""
    found: dict[int, str] = {}
    query = (select(ProgressReport).where(
        ProgressReport.item_id.in_([i.id for i in plan.items]), ProgressReport.problems != "",
        ProgressReport.status != "returned").order_by(ProgressReport.period.desc(), ProgressReport.id.desc()))
    for report in db.session.scalars(query):
        found.setdefault(report.item_id, f"{report.period} {report.unit.name}：{report.problems}")
    return found


def _directives(plan: TaskPlan, on) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    query = select(Directive).where(Directive.item_id.in_([i.id for i in plan.items])).order_by(Directive.id)
    for d in db.session.scalars(query):
        state = "逾期未回复" if d.overdue(on) else DIRECTIVE_STATUSES[d.status]
        found.setdefault(d.item_id, []).append(f"督{d.unit.name}（{d.reply_by}前回复）：{state}")
    return {k: "；".join(v) for k, v in found.items()}


def _rows(plan: TaskPlan):
    data = dashboard_data(plan)
    problems, directives = _problems(plan), _directives(plan, data.on)
    for action_row in data.actions:
        by_item = {}
        for row in action_row.indicators:
            if row.indicator.item_id is not None:
                by_item.setdefault(row.indicator.item_id, []).append(row)
        yield action_row, [
            (item, verdict, by_item.get(item.id, []), problems.get(item.id, ""),
             directives.get(item.id, "")) for item, verdict in action_row.items]


def docx_report(plan: TaskPlan):
    on = operations.today()
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(printable(f"{plan.name}调度报告"), level=0)
    document.add_paragraph(printable(f"调度日期：{on:%Y年%m月%d日}　　专班办公室：{plan.office_unit.name}"))
    data = dashboard_data(plan, on=on)
    counts = {k: 0 for k in LIGHTS}
    for row in data.actions:
        for light, n in row.counts.items():
            counts[light] += n
    document.add_paragraph("总体情况：" + "，".join(f"{LIGHTS[k]} {n} 项" for k, n in counts.items()))
    if data.goals:
        document.add_heading("总体目标", level=1)
        for row in data.goals:
            document.add_paragraph(printable(_indicator_line(row)), style="List Bullet")
    for action_row, items in _rows(plan):
        action = action_row.action
        document.add_heading(printable(f"{action.numeral}、{action.title}"), level=1)
        for row in action_row.indicators:
            if row.indicator.item_id is None:
                document.add_paragraph(printable("工作任务指标：" + _indicator_line(row)),
                                       style="List Bullet")
        table = document.add_table(rows=1, cols=len(ITEM_HEADERS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ITEM_HEADERS, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for item, verdict, indicator_rows, problems, directives in items:
            cells = table.add_row().cells
            cells[0].text = item.code
            cells[1].text = printable(item.title)
            cells[2].text = printable("、".join(u.name for u in item.lead_units))
            cells[3].text = item.deadline.isoformat()
            run = cells[4].paragraphs[0].add_run(printable(f"{LIGHTS[verdict.light]}：{verdict.reason}"))
            run.font.color.rgb = LIGHT_COLOURS[verdict.light]
            cells[5].text = printable("\n".join(_indicator_line(r) for r in indicator_rows)) or "—"
            cells[6].text = printable(problems) or "—"
            cells[7].text = printable(directives) or "—"
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — send_file closes it
    document.save(output)
    output.seek(0)
    return output


def _text(value: str) -> str:
    """User text stays text in Excel, never a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


XLSX_HEADERS = ["工作任务", "编号", "工作事项", "牵头单位", "责任单位", "完成时限", "灯色", "灯色说明",
                "指标", "目标", "完成值", "完成率(%)", "数据来源", "存在问题", "督办情况"]


def xlsx_report(plan: TaskPlan):
    def rows():
        for action_row, items in _rows(plan):
            action = f"{action_row.action.numeral}、{action_row.action.title}"
            for item, verdict, indicator_rows, problems, directives in items:
                base = [action, item.code, item.title, "、".join(u.name for u in item.lead_units),
                        "、".join(u.name for u in item.responsible_units), item.deadline.isoformat(),
                        LIGHTS[verdict.light], verdict.reason]
                tail = [_text(problems), _text(directives)]
                if not indicator_rows:
                    yield [*base, "", "", None, None, "", *tail]
                for row in indicator_rows:
                    yield [*base, row.indicator.name, row.indicator.target_text, row.figure.value,
                           row.progress_pct, row.figure.source_note, *tail]

    return write_xlsx("调度表", XLSX_HEADERS, rows(),
                      [16, 6, 24, 18, 30, 11, 7, 30, 30, 16, 10, 10, 16, 40, 30])
