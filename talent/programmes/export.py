"""The recommendation workbook in the shape a 人才办 reports upward (人才项目推荐申报情况表).

Every value a person typed (names, employers, notes, document numbers) is written as an
inline string cell, so a note that starts with ``=``, ``+``, ``-`` or ``@`` stays text and
never becomes a formula when the sheet is opened.
"""
from collections.abc import Iterable

from openpyxl.cell import Cell

from talent.core.inputs import printable
from talent.programmes.models import LEVEL_SHORT, Recommendation

EXPORT_HEADERS = ["序号", "姓名", "性别", "出生年月", "工作单位", "职称", "学历", "推荐项目", "级别",
                  "年度", "发掘渠道", "推荐说明", "结果", "公布日期", "文号"]
EXPORT_WIDTHS = [6, 10, 6, 10, 28, 16, 12, 28, 8, 8, 18, 40, 8, 12, 24]


class _Detached:
    """Cells built before the sheet exists; the write-only writer places them."""

    title = "export"
    parent = None


def text_cell(value: str | None) -> Cell:
    cell = Cell(_Detached(), row=1, column=1)
    cell.value = printable(value or "")
    cell.data_type = "s"
    return cell


def export_row(number: int, recommendation: Recommendation) -> list:
    talent = recommendation.talent
    title = talent.title_name or (talent.label_of("title_level") if talent.title_level != "none" else "")
    return [
        number,
        text_cell(talent.name),
        talent.label_of("gender"),
        talent.birth_date.strftime("%Y.%m") if talent.birth_date else "",
        text_cell(talent.employer),
        text_cell(title),
        talent.label_of("education"),
        text_cell(recommendation.programme.name),
        LEVEL_SHORT.get(recommendation.programme.level, recommendation.programme.level),
        recommendation.year,
        recommendation.source_label,
        text_cell(recommendation.note),
        recommendation.outcome_label,
        recommendation.decided_on.isoformat() if recommendation.decided_on else "",
        text_cell(recommendation.document_no),
    ]


def export_rows(recommendations: Iterable[Recommendation]):
    for number, recommendation in enumerate(recommendations, start=1):
        yield export_row(number, recommendation)
