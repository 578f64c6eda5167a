"""Excel in and out: streamed exports and row-by-row reading of uploads.

Exports write user text as text, never as a formula (:func:`text_cell`); imports refuse a
workbook before parsing it when it unpacks too large or hides an oversize cell, and stop at the
row limit (:func:`read_xlsx`).
"""
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from talent.core.inputs import printable

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 20_000
# The longest text one cell of an import may hold; the talent form's longest field is far shorter.
MAX_CELL_CHARS = 2_000
# A valid 20,000-row import unpacks to about 30 MB of XML; a zip bomb unpacks to gigabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 500
# Text between two XML tags longer than this cannot be a cell we accept (UTF-8 and entities
# make a character up to about 6 bytes); found by a streaming pass before openpyxl parses.
MAX_TEXT_RUN_BYTES = MAX_CELL_CHARS * 6 + 1024

# OWASP's "CSV injection" list: text starting so is taken as a formula when edited or re-saved.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def text_cell(sheet, value):
    """One exported value as a cell: text stays text, never a formula, whatever it starts with.

    openpyxl stores a string starting with ``=`` as a live formula (and ``#N/A`` as an error);
    here every string is stored as a string, and one starting with ``= + - @``, tab or CR also
    gets Excel's quote prefix (what typing a leading ``'`` does), so it stays text even when
    someone edits the cell or saves the sheet as CSV. Characters no workbook can hold (control
    characters, lone surrogates: stored before the input boundary refused them) are dropped, so
    old data cannot make an export fail; otherwise the text is unchanged.
    """
    value = printable(value)
    if not isinstance(value, str) or not (value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES):
        return value  # openpyxl stores any other string as a string already; no cell object needed
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


@dataclass(frozen=True)
class Filled:
    """A value written on a coloured background (``colour`` as RRGGBB), e.g. a traffic light."""

    value: object
    colour: str


def _cell(sheet, value):
    if isinstance(value, Filled):
        cell = text_cell(sheet, value.value)
        if not hasattr(cell, "fill"):  # a plain value, not yet a cell
            cell = WriteOnlyCell(sheet, value=cell)
        cell.fill = PatternFill("solid", fgColor=value.colour)
        return cell
    return text_cell(sheet, value)


def write_xlsx(title: str, headers: list[str], rows: Iterable[list], widths: list[int] | None = None,
               caption: str | None = None, before: Iterable[list] = (), after: Iterable[list] = ()):
    """Write rows to a temporary .xlsx file one at a time and return the open file.

    openpyxl's write-only mode keeps only the current row in memory, so the size
    of an export is bounded by the database cursor, not by the number of rows.
    ``before`` (a form's title lines) and ``after`` (signature lines) frame the table.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    before = list(before)
    # Frozen below the header, whatever stands above it: the caption and the lines before.
    sheet.freeze_panes = f"A{len(before) + (1 if caption else 0) + 2}"
    if caption:  # a line above the headers: what the sheet is, for whom, as of when
        title_cell = WriteOnlyCell(sheet, value=caption)
        title_cell.font = Font(bold=True, size=13)
        sheet.append([title_cell])
    for line in before:
        sheet.append([text_cell(sheet, value) for value in line])
    sheet.append(_header_cells(sheet, headers))
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    for line in after:
        sheet.append([text_cell(sheet, value) for value in line])
    # Handed to send_file, which closes it after the response: no context manager here.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


class Counted:
    """The rows of an export as they are written: ``count`` so far, and ``progress(count)`` told
    every thousand (a background export's progress bar)."""

    EVERY = 1000

    def __init__(self, items: Iterable, progress=None):
        self.items, self.progress, self.count = items, progress, 0

    def __iter__(self):
        for item in self.items:
            self.count += 1
            if self.progress is not None and self.count % self.EVERY == 0:
                self.progress(self.count)
            yield item


def xlsx_download(output, filename: str):
    """A workbook (an open file or a path) as a download that no browser or proxy keeps: exports
    hold personal data."""
    from flask import send_file

    response = send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass
class SheetRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


class NumberText(str):
    """The text of a cell Excel stored as a number: a long code typed into a "General" column
    (an ID number) has lost its last digits to floating point, which the reader may tell."""


def _cell_text(value) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return NumberText(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return NumberText(value)
    if isinstance(value, str):
        return value.strip()
    return value


UNREADABLE = "无法读取文件，请上传由模板填写的 .xlsx 文件"
TOO_MANY_ROWS = "单次导入不超过 {} 行（含空行），请拆分文件"


_LONG_TEXT = re.compile(rb"[^<]{%d}" % (MAX_TEXT_RUN_BYTES + 1))
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _scan_part(part) -> tuple[bool, int]:
    """One pass over an XML part in 1 MB chunks (never held whole): whether it holds more than
    ``MAX_TEXT_RUN_BYTES`` between two ``<`` (a 300 MB cell is found at once), and how many
    ``<row`` elements it has (openpyxl, given a sheet without a size, would parse it all)."""
    carry, rows = b"", 0
    while chunk := part.read(1024 * 1024):
        buffer = carry + chunk
        if _LONG_TEXT.search(buffer):
            return True, rows
        cut = buffer.rfind(b"<")
        rows += len(_ROW.findall(buffer, 0, cut if cut >= 0 else len(buffer)))
        carry = buffer[cut:] if cut >= 0 else b""
    return False, rows + len(_ROW.findall(carry))


def check_archive(stream) -> None:
    """Refuse a workbook before parsing it: too many parts, too large unpacked, a cell of text
    longer than any we accept (a 300 MB cell packs into 300 KB), or more rows than an import
    takes (a million empty rows pack into 5 MB). The stream is rewound."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise SpreadsheetError(UNREADABLE)
            # Declared sizes are binding: zipfile stops reading a part at its declared size.
            if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                raise SpreadsheetError(
                    f"文件解压后超过 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB，请拆分后分批导入")
            for part in parts:
                if part.filename.startswith(("xl/worksheets/", "xl/sharedStrings")):
                    with archive.open(part) as data:
                        long_text, rows = _scan_part(data)
                    if long_text:
                        raise SpreadsheetError(
                            f"文件中有单元格内容超过 {MAX_CELL_CHARS} 个字，请检查后重新导入")
                    if rows > MAX_IMPORT_ROWS + 1 and part.filename.startswith("xl/worksheets/"):
                        raise SpreadsheetError(TOO_MANY_ROWS.format(MAX_IMPORT_ROWS))
    except SpreadsheetError:
        raise
    except Exception as error:  # zipfile.BadZipFile, zlib.error, CRC mismatch …: not a workbook
        raise SpreadsheetError(UNREADABLE) from error
    finally:
        stream.seek(0)


def read_xlsx(stream, expected_headers: list[str]) -> SheetRows:
    """Read the first sheet: header row then data rows, keyed by header, with Excel row numbers.

    Streams the sheet (openpyxl read-only) and stops at the first row past the limit — blank
    rows count, so a million empty rows cost no more than the limit — and at the first cell
    longer than ``MAX_CELL_CHARS``.
    """
    check_archive(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(UNREADABLE) from error
    except Exception as error:  # zipfile.BadZipFile and friends: any non-workbook upload
        raise SpreadsheetError(UNREADABLE) from error
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
            if number > MAX_IMPORT_ROWS + 1:
                raise SpreadsheetError(TOO_MANY_ROWS.format(MAX_IMPORT_ROWS))
            if values is None or all(v in (None, "") for v in values):
                continue
            if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
                raise SpreadsheetError(
                    f"第{number}行有单元格内容超过 {MAX_CELL_CHARS} 个字，请检查后重新导入")
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
