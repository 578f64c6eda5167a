"""Excel in and out: streamed exports and row-by-row reading of uploads."""
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 20_000


class SpreadsheetError(ValueError):
    """The upload is not a workbook we can read; the message is shown as is."""


def _header_cells(sheet, headers: list[str]):
    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = font
        cell.fill = fill
        cells.append(cell)
    return cells


def write_xlsx(title: str, headers: list[str], rows: Iterable[list], widths: list[int] | None = None):
    """Write rows to a temporary .xlsx file one at a time and return the open file.

    openpyxl's write-only mode keeps only the current row in memory, so the size
    of an export is bounded by the database cursor, not by the number of rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, headers))
    for row in rows:
        sheet.append(row)
    # Handed to send_file, which closes it after the response: no context manager here.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass
class SheetRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _cell_text(value) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def read_xlsx(stream, expected_headers: list[str]) -> SheetRows:
    """Read the first sheet: header row then data rows, keyed by header, with Excel row numbers."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError("无法读取文件，请上传由模板填写的 .xlsx 文件") from error
    except Exception as error:  # zipfile.BadZipFile and friends: any non-workbook upload
        raise SpreadsheetError("无法读取文件，请上传由模板填写的 .xlsx 文件") from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise SpreadsheetError("文件是空的")
        headers = [str(h).strip() if h is not None else "" for h in header_row]
        missing = [h for h in expected_headers if h not in headers]
        if missing:
            raise SpreadsheetError("表头与模板不一致，缺少列：" + "、".join(missing))
        result = SheetRows(headers=headers)
        for number, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            if len(result.rows) >= MAX_IMPORT_ROWS:
                raise SpreadsheetError(f"单次导入不超过 {MAX_IMPORT_ROWS} 行，请拆分文件")
            record = {
                header: _cell_text(value)
                for header, value in zip(headers, values, strict=False)
                if header
            }
            result.rows.append((number, record))
        return result
    finally:
        workbook.close()


def iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else ""
