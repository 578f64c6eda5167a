"""The 调度 report as Word (python-docx) and Excel: where every item stands, for the 调度会.

Every text goes through ``printable`` (python-docx, like openpyxl, refuses control characters)."""
import tempfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree
from sqlalchemy import select

from talent.auth.units import wording as unit_wording
from talent.core import timeutil
from talent.core.inputs import printable
from talent.core.spreadsheet import Filled, write_xlsx
from talent.extensions import db
from talent.tasks.dashboard import dashboard_data
from talent.tasks.lights import default_year
from talent.tasks.models import (
    DIRECTIVE_GRADES,
    DIRECTIVE_STATUSES,
    LIGHT_LABELS,
    Directive,
    ProgressReport,
    TaskPlan,
)

LIGHT_COLOURS = {"red": RGBColor(0xC0, 0x00, 0x00), "yellow": RGBColor(0xB8, 0x86, 0x0B),
                 "green": RGBColor(0x00, 0x80, 0x00), "done": RGBColor(0x40, 0x40, 0x40),
                 "missed": RGBColor(0x40, 0x40, 0x40)}
ITEM_HEADERS = ["编号", "工作事项", "灯色", "指标进度", "存在问题及督办"]
LIGHT_FILLS = {"red": "F4B6B6", "yellow": "FFE699", "green": "C6EFCE", "done": "D9D9D9", "missed": "BFBFBF"}


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
    if indicator.target is None:
        return f"{indicator.name}：{shown}（监测指标，无量化目标）"
    progress = f"，完成 {row.progress_pct:.0f}%" if row.progress_pct is not None else ""
    return f"{indicator.name}：{shown}（目标 {indicator.target_text}{progress}）"


def _problems(plan: TaskPlan) -> dict[int, str]:
    """Per item, the problems of its latest report that names any."""
    found: dict[int, str] = {}
    query = (select(ProgressReport).where(
        ProgressReport.item_id.in_([i.id for i in plan.items]), ProgressReport.problems != "",
        ProgressReport.status != "returned").order_by(ProgressReport.period.desc(), ProgressReport.id.desc()))
    for report in db.session.scalars(query):
        found.setdefault(report.item_id, f"{report.period} {report.unit.name}：{report.problems}")
    return found


def _directive_line(d: Directive, on) -> str:
    state = "逾期未回复" if d.overdue(on) else DIRECTIVE_STATUSES[d.status]
    if d.unacknowledged_late(on):
        state += "，超时未签收"
    number = f"{d.number}（{DIRECTIVE_GRADES[d.grade]}）" if d.number else "督办单"
    return f"{number}督办 {d.unit.name}，{d.reply_by.month}月{d.reply_by.day}日前回复：{state}"


def _directive_list(plan: TaskPlan) -> list[Directive]:
    return list(db.session.scalars(select(Directive).where(
        Directive.item_id.in_([i.id for i in plan.items])).order_by(Directive.id)))


def _directives(plan: TaskPlan, on) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for d in _directive_list(plan):
        found.setdefault(d.item_id, []).append(_directive_line(d, on))
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


# GB/T 9704-2012 (党政机关公文格式): A4, 版心 156 × 225 mm (top 37, bottom 35, left 28, right 26 mm);
# title 2号 方正小标宋简体, body 3号 仿宋_GB2312, first-level headings 黑体, second-level 楷体_GB2312;
# page numbers 4号 with 一字线 on both sides. Where the 公文 fonts are not installed, Word falls back
# to the altName given in the font table (仿宋, 黑体, 楷体, 宋体), as county PCs often have only those.
FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体", "subheading": "楷体_GB2312"}
FALLBACKS = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "黑体": "SimHei", "楷体_GB2312": "楷体"}
SIZE = {"title": Pt(22), "body": Pt(16), "table": Pt(12), "page": Pt(14)}


def chinese_date(day) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2026年12月5日 (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run, name: str, size=None, bold: bool | None = None) -> None:
    run.font.name = name
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _paragraph(document, text: str, kind: str = "body", align=None, indent: bool = True):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    format_ = paragraph.paragraph_format
    format_.line_spacing = Pt(28)  # 每行 28 磅 ≈ 22 行/页
    format_.space_after = Pt(0)
    if indent and kind in ("body", "heading", "subheading"):
        format_.first_line_indent = Pt(32)  # 首行缩进 2 字
    # printable(): text stored before the input boundary may hold characters Word cannot take.
    _font(paragraph.add_run(printable(text)), FONTS.get(kind, FONTS["body"]),
          SIZE["title"] if kind == "title" else SIZE["body"])
    return paragraph


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), "宋体", SIZE["page"])
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _font(paragraph.add_run(" —"), "宋体", SIZE["page"])


def _font_fallbacks(document) -> None:
    """Name each 公文 font's fallback (w:altName) in the document's font table."""
    font_table = next((part for part in document.part.package.iter_parts()
                       if part.partname.endswith("fontTable.xml")), None)
    if font_table is None:
        return
    root = parse_xml(font_table.blob)
    for name, fallback in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", fallback), ("w:charset", "86")):  # 86: GB2312
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cell_text(cell, text: str, colour=None) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(printable(text))
    _font(run, FONTS["body"], SIZE["table"])
    if colour is not None:
        run.font.color.rgb = colour


def docx_report(plan: TaskPlan):
    on = timeutil.today()
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONTS["body"], SIZE["body"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONTS["body"])
    _page_number_footer(section)
    _font_fallbacks(document)

    data = dashboard_data(plan, on=on)
    _paragraph(document, f"{plan.name}调度报告", "title", WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, f"（{plan.office_unit.name}　{chinese_date(on)}）", "body",
               WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    counts: dict[str, int] = {}
    for row in data.actions:
        for light, n in row.counts.items():
            counts[light] = counts.get(light, 0) + n
    status = f"方案实施期{chinese_date(plan.starts_on)}至{chinese_date(plan.ends_on)}，{plan.status_label}。"
    _paragraph(document, status + "工作事项" + "，".join(
        f"{LIGHT_LABELS[k]}{n}项" for k, n in counts.items() if n) + "。")
    numerals = iter("一二三四五六七八九十")
    _paragraph(document, f"{next(numerals)}、总体目标", "heading")
    for n, row in enumerate(data.goals, start=1):
        _paragraph(document, f"{n}. {_indicator_line(row)}")
    for action_row, items in _rows(plan):
        action = action_row.action
        _paragraph(document, f"{next(numerals)}、{action.title}", "heading")
        task_rows = [r for r in action_row.indicators if r.indicator.item_id is None]
        if task_rows:
            _paragraph(document, "（一）工作任务指标", "subheading")
            for n, row in enumerate(task_rows, start=1):
                _paragraph(document, f"{n}. {_indicator_line(row)}")
        table = document.add_table(rows=1, cols=len(ITEM_HEADERS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ITEM_HEADERS, strict=True):
            _cell_text(cell, text)
            cell.paragraphs[0].runs[0].font.bold = True
        for item, verdict, indicator_rows, problems, directives in items:
            cells = table.add_row().cells
            _cell_text(cells[0], item.code)
            _cell_text(cells[1], f"{item.title}\n牵头：{'、'.join(u.name for u in item.lead_units)}"
                                 f"\n时限：{chinese_date(item.deadline)}")
            _cell_text(cells[2], f"{LIGHT_LABELS[verdict.light]}：{verdict.reason}",
                       LIGHT_COLOURS.get(verdict.light))
            _cell_text(cells[3], "\n".join(_indicator_line(r) for r in indicator_rows) or "—")
            _cell_text(cells[4], "\n".join(filter(None, [problems, directives])) or "—")
    directives = _directive_list(plan)
    _paragraph(document, f"{next(numerals)}、督办事项", "heading")
    if not directives:
        _paragraph(document, "本期无督办事项。")
    codes = {item.id: item.code for item in plan.items}
    for n, d in enumerate(directives, start=1):
        _paragraph(document, f"{n}. {codes.get(d.item_id, '')} {_directive_line(d, on)}。{d.request}")
    _paragraph(document, plan.office_unit.name + "（工作专班办公室）", "body", WD_ALIGN_PARAGRAPH.RIGHT,
               indent=False)
    _paragraph(document, chinese_date(on), "body", WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — send_file closes it
    document.save(output)
    output.seek(0)
    return output


def _text(value: str) -> str:
    """User text stays text in Excel, never a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


XLSX_HEADERS = ["工作任务", "编号", "工作事项", "牵头单位", "责任单位", "完成时限", "灯色", "灯色说明",
                "指标", "目标", "完成值", "完成率(%)", "数据来源", "存在问题", "督办情况", "指标层级",
                "指标灯色"]


def _light_cell(light: str | None):
    if light is None:
        return "监测"
    return Filled(LIGHT_LABELS[light], LIGHT_FILLS[light])


def xlsx_report(plan: TaskPlan):
    """Every indicator (总体目标, 工作任务, 工作事项) with its light as a coloured cell; the plan and
    the day in the caption above the headers."""
    on = timeutil.today()
    data = dashboard_data(plan, on=on)

    def indicator_cells(row):
        return [row.indicator.name, row.indicator.target_text if row.indicator.target is not None
                else "监测指标", row.figure.value, row.progress_pct, row.figure.source_note]

    def rows():
        for row in data.goals:
            yield ["总体目标", "", "", "", "", row.indicator.deadline.isoformat() if row.indicator.deadline
                   else "", "", "", *indicator_cells(row), "", "", "总体目标", _light_cell(row.verdict.light)]
        for action_row, items in _rows(plan):
            action = f"{action_row.action.numeral}、{action_row.action.title}"
            for row in action_row.indicators:
                if row.indicator.item_id is None:
                    yield [action, "", "", "", "", "", "", "", *indicator_cells(row), "", "", "工作任务",
                           _light_cell(row.verdict.light)]
            for item, verdict, indicator_rows, problems, directives in items:
                base = [action, item.code, item.title, "、".join(u.name for u in item.lead_units),
                        "、".join(unit_wording(item.responsible_units)), item.deadline.isoformat(),
                        _light_cell(verdict.light), verdict.reason]
                tail = [_text(problems), _text(directives)]
                if not indicator_rows:
                    yield [*base, "", "", None, None, "", *tail, "", ""]
                for row in indicator_rows:
                    yield [*base, *indicator_cells(row), *tail, "工作事项", _light_cell(row.verdict.light)]

    caption = (f"{plan.name}（{plan.starts_on} 至 {plan.ends_on}，{plan.status_label}）调度表　"
               f"截至 {on:%Y-%m-%d}，系统数据指标按 {default_year(plan, on)} 年计")
    return write_xlsx("调度表", XLSX_HEADERS, rows(),
                      [16, 6, 24, 18, 30, 11, 7, 30, 30, 16, 10, 10, 16, 40, 30, 10, 8], caption=caption)
