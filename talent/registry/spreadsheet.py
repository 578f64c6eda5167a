"""The talent workbook: import template, all-or-nothing import, streamed export."""
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from talent.core.spreadsheet import Counted, NumberText, SheetRows, iso, write_xlsx
from talent.core.timeutil import local
from talent.extensions import db
from talent.registry import choices
from talent.registry.forms import TalentForm
from talent.registry.models import Talent, Team
from talent.registry.operations import (
    DuplicateIdNumber,
    TalentQuery,
    create_talents,
    registered_id_numbers,
)

YES, NO = "是", "否"
HONOR_SEPARATORS = ("；", ";", "、", "\n")

# (header, field, choice set or None); order is the column order of template and export.
COLUMNS = [
    ("姓名", "name", None),
    ("证件类型", "id_type", choices.ID_TYPES),
    ("证件号码", "id_number", None),
    ("国籍", "nationality", None),
    ("性别", "gender", choices.GENDERS),
    ("出生日期", "birth_date", None),
    ("联系电话", "phone", None),
    ("电子邮箱", "email", None),
    ("学历", "education", choices.EDUCATIONS),
    ("职称等级", "title_level", choices.TITLE_LEVELS),
    ("职称名称", "title_name", None),
    ("工作单位", "employer", None),
    ("专业领域", "field", choices.FIELDS),
    ("人才类别", "category", choices.CATEGORIES),
    ("人才来源", "source", choices.SOURCES),
    ("引进时间", "introduced_on", None),
    ("入选人才计划", "programme_level", choices.PROGRAMME_LEVELS),
    ("在县内工作", "works_in_county", None),
    ("荣誉称号", "honors", None),
    ("状态", "status", choices.STATUSES),
]
HEADERS = [header for header, _, _ in COLUMNS]
REQUIRED_HEADERS = ["姓名", "证件号码", "学历", "工作单位", "专业领域"]
FIELD_HEADERS = {name: header for header, name, _ in COLUMNS}
NATIONALITY_BY_NAME = choices.NATIONALITY_BY_NAME


def template_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人才信息"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    # 证件号码 as text: in a "General" column Excel turns an 18-digit number into 4.31123E+17.
    id_column = sheet.cell(row=1, column=HEADERS.index("证件号码") + 1).column_letter
    sheet.column_dimensions[id_column].number_format = "@"
    for index, (header, _name, values) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 3)
        options = list(values.values()) if values else [YES, NO] if header == "在县内工作" else None
        if options:
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                                        allow_blank=True, showErrorMessage=True,
                                        error="请从下拉列表中选择")
            validation.add(f"{letter}2:{letter}20001")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    for line in _NOTES:
        notes.append(line)
    notes.append([])
    notes.append(["示例（请勿粘贴到“人才信息”表）"])
    notes.append(HEADERS)
    notes.append(["李明", "居民身份证", "431123198503150017", "中国", "", "", "13874600001",
                  "liming@example.cn", "博士研究生", "正高级", "研究员", "湖南双牌竹木科技有限公司",
                  "农林产品(竹木)精深加工", "产业领军人才", "引进", "2023-03-01", "省级人才计划",
                  YES, "湖南省芙蓉学者；永州市五一劳动奖章", "在县工作"])
    return workbook


_NOTES = [
    ["姓名", "必填", "不超过50个字"],
    ["证件类型", "选填", "居民身份证（默认）、护照、外国人永久居留身份证或港澳台居民居住证"],
    ["证件号码", "必填", "18位居民身份证号码（校验位须正确）或护照号码；不得与已登记人员重复；"
                        "此列已设为文本格式，请勿改为“常规”或数字（Excel 会丢掉末几位）"],
    ["国籍", "选填", "国籍（地区），默认中国；可填中文名称（如 美国、中国香港）或两位代码（如 US）"],
    ["性别/出生日期", "选填", "身份证登记的可不填，系统按号码识别；填写的须与号码一致"],
    ["联系电话", "选填", "11位手机号或带区号的固定电话"],
    ["学历/专业领域", "必填", "从下拉列表中选择"],
    ["引进时间", "引进人才必填", "日期格式 2024-05-01"],
    ["在县内工作", "选填", "是/否，默认是"],
    ["荣誉称号", "选填", "多项用中文分号“；”分隔"],
]


# Excel keeps 15 significant digits: an 18-digit ID number typed into a "General" column is
# stored as a number whose last digits are gone.
EXCEL_MANGLED_ID = "该单元格被 Excel 存成了数字，末几位已丢失，请将列设为文本后重新填写"


def _excel_mangled(raw) -> bool:
    return isinstance(raw, NumberText) and len(raw.lstrip("-")) >= 15


def _code(name: str, values: dict, raw) -> str:
    """A choice as typed: its code, its label, or an unambiguous synonym (本地 → 本土培养)."""
    text = "" if raw is None else str(raw).strip()
    if text in values:
        return text
    by_label = {label: code for code, label in values.items()}
    return by_label.get(text) or choices.SYNONYMS.get(name, {}).get(text, text)


def _row_to_formdata(record: dict) -> MultiDict:
    data = MultiDict()
    for header, name, values in COLUMNS:
        raw = record.get(header)
        if name == "honors":
            text = str(raw or "")
            for sep in HONOR_SEPARATORS:
                text = text.replace(sep, "\n")
            data.add(name, text)
        elif name == "works_in_county":
            data.add(name, "false" if str(raw or "").strip() in (NO, "false", "0") else "true")
        elif name == "nationality":
            text = str(raw or "").strip() or "CN"
            data.add(name, NATIONALITY_BY_NAME.get(text, text))
        elif values is not None:
            code = _code(name, values, raw)
            data.add(name, code or _DEFAULTS.get(name, ""))
        elif hasattr(raw, "isoformat"):
            data.add(name, raw.isoformat())
        else:
            data.add(name, "" if raw is None else str(raw))
    return data


_DEFAULTS = {"id_type": "resident_id", "title_level": "none", "category": "none",
             "source": "local", "programme_level": "none", "status": "active"}


@dataclass
class ImportReport:
    total: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: list[Talent] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_talents(actor, sheet: SheetRows) -> ImportReport:
    """Validate every row first; create all of them only when none is wrong.

    Nothing is written unless every row is; the request's one transaction makes that hold
    even if the worker dies half-way (see ``talent/extensions.py``). A person registered by
    someone else while this import ran becomes a row error, not a crash.
    """
    report = ImportReport(total=len(sheet.rows))
    if not sheet.rows:
        report.errors.append((0, "文件中没有数据行"))
        return report
    valid: list[tuple[int, dict]] = []
    checked: list[tuple[int, str]] = []  # (row, ID number) to look up in one query
    seen: dict[str, int] = {}
    # One form, re-filled per row: building a form costs twice what validating it does.
    form = TalentForm(formdata=None, meta={"csrf": False})
    for number, record in sheet.rows:
        form.process(formdata=_row_to_formdata(record))
        row_ok = form.validate()
        if _excel_mangled(record.get("证件号码")):
            form.id_number.errors = [EXCEL_MANGLED_ID]
            row_ok = False
        for name, messages in form.errors.items():
            header = FIELD_HEADERS.get(name, name)
            report.errors.extend((number, f"{header}：{m}") for m in messages)
        # Every error of a row is reported at once: a duplicate ID number too, even when
        # another column of the same row is also wrong.
        id_number = form.id_number.data if not form.id_number.errors else None
        if id_number:
            if id_number in seen:
                report.errors.append((number, f"证件号码：与第{seen[id_number]}行重复"))
                row_ok = False
            else:
                seen[id_number] = number
                checked.append((number, id_number))
        if row_ok:
            values = form.talent_values()
            values["team_id"] = None
            valid.append((number, values))
    registered = registered_id_numbers([id_number for _number, id_number in checked])
    for number, id_number in checked:
        existing = registered.get(id_number)
        if existing is not None:
            report.errors.append(
                (number, f"证件号码：已登记（{existing.name}，人才编号 {existing.id}）"))
    report.errors.sort(key=lambda error: error[0])
    if report.errors:
        return report
    try:
        report.created = create_talents(actor, [values for _number, values in valid])
    except DuplicateIdNumber as error:
        number = seen.get(error.existing.id_number, 0)
        report.errors.append((number, f"证件号码：导入期间已由他人登记（人才编号 {error.existing.id}），"
                                      "本次导入未保存任何数据，请重新导入"))
    return report


EXPORT_HEADERS = ["人才编号", *HEADERS, "所属团队", "登记时间"]
EXPORT_WIDTHS = [10, 10, 12, 22, 8, 6, 12, 14, 22, 12, 10, 14, 28, 20, 14, 10, 12, 14, 10, 30,
                 10, 20, 18]


def _export_row(talent: Talent, reveal: bool, teams: dict[int, str]) -> list:
    row = [talent.id]
    for _header, name, values in COLUMNS:
        value = getattr(talent, name)
        if name == "id_number":
            value = talent.shown_id_number(reveal)
        elif name == "birth_date" and not reveal:
            value = str(value.year) if value else ""  # the year only, like the pages
        elif name == "nationality":
            value = choices.label("nationality", value)
        elif name == "works_in_county":
            value = YES if value else NO
        elif name == "honors":
            value = "；".join(value or [])
        elif values is not None:
            value = values.get(value, value)
        elif name in ("birth_date", "introduced_on"):
            value = iso(value)
        row.append(value)
    row.append(teams.get(talent.team_id, ""))
    row.append(local(talent.created_at, "%Y-%m-%d %H:%M"))
    return row


def export_talents(query: TalentQuery, reveal: bool, progress=None):
    """Stream the filtered list into a temporary workbook, a thousand rows at a time; returns the
    file and how many rows it holds. ``progress(rows)`` is told every thousand rows (a background
    export's progress bar)."""
    teams = dict(db.session.execute(select(Team.id, Team.name)).all())
    statement = query.select().execution_options(yield_per=1000)
    talents = Counted(db.session.scalars(statement), progress)
    rows = (_export_row(talent, reveal, teams) for talent in talents)
    return write_xlsx("人才信息", EXPORT_HEADERS, rows, EXPORT_WIDTHS), talents.count
