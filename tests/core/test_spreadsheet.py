"""Spreadsheets in and out: exported text is never a formula (7.2); hostile uploads are refused
early and cheaply (7.11). Files are read back with openpyxl."""
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from benchmarks.talent_import import big_cell_workbook, empty_rows_workbook
from talent.cards import operations as cards
from talent.core import spreadsheet
from talent.core.spreadsheet import SpreadsheetError, read_xlsx, write_xlsx
from talent.extensions import db
from talent.registry.spreadsheet import HEADERS, REQUIRED_HEADERS
from tests.factories import TalentFactory

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


def _no_formulas(data: bytes) -> None:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


@pytest.mark.parametrize("lead", TRIGGERS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_text_starting_like_a_formula_is_written_as_text(lead):
    value = f"{lead}cmd|' /C calc'!A0"
    output = write_xlsx("t", ["a", "b"], [[value, 7]])
    data = output.read()
    _no_formulas(data)
    cell, number = load_workbook(BytesIO(data))["t"]["A2"], load_workbook(BytesIO(data))["t"]["B2"]
    assert cell.data_type == "s"
    assert cell.value.lstrip("\r\n") == value.lstrip("\r\n")  # XML keeps a CR only as a newline
    assert cell.quotePrefix  # stays text when edited in Excel or saved as CSV
    assert (number.value, number.data_type) == (7, "n")


def test_plain_text_and_error_codes_are_text_without_prefix():
    data = write_xlsx("t", ["a", "b"], [["李明", "#N/A"]]).read()
    sheet = load_workbook(BytesIO(data))["t"]
    assert (sheet["A2"].value, sheet["A2"].data_type, bool(sheet["A2"].quotePrefix)) == ("李明", "s", False)
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("#N/A", "s")


def test_talent_export_and_recommended_list_carry_no_formula(client, auth):
    auth.login_as("org")
    TalentFactory(name="=1+1", employer="=cmd|' /C calc'!A0", title_name="@SUM(A1)",
                  education="doctorate")
    db.session.commit()
    for url in ("/talents/export.xlsx", "/cards/recommended.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        _no_formulas(response.data)
        values = [c for row in load_workbook(BytesIO(response.data)).active.iter_rows(min_row=2)
                  for c in row if isinstance(c.value, str) and c.value[:1] in "=@"]
        assert {c.value for c in values} >= {"=1+1", "=cmd|' /C calc'!A0"}
        assert all(c.data_type == "s" and c.quotePrefix for c in values)
    assert cards  # the recommended list is the card feature's export


# --- hostile uploads -------------------------------------------------------------------------------

def _read(path):
    with open(path, "rb") as stream:
        return read_xlsx(stream, REQUIRED_HEADERS)


def test_workbook_unpacking_past_the_bound_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "load_workbook", _never_parsed)
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    big_cell_workbook(tmp_path / "bomb.xlsx", 3)  # 3 MB in one cell, a few KB on disk
    assert (tmp_path / "bomb.xlsx").stat().st_size < 50_000
    with pytest.raises(SpreadsheetError, match="文件解压后超过 2 MB"):
        _read(tmp_path / "bomb.xlsx")


def test_oversize_cell_is_found_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "load_workbook", _never_parsed)
    big_cell_workbook(tmp_path / "cell.xlsx", 5)  # under the unpacked bound, over the cell bound
    with pytest.raises(SpreadsheetError, match="单元格内容超过 2000 个字"):
        _read(tmp_path / "cell.xlsx")


def test_too_many_rows_are_refused_before_parsing_blank_ones_too(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "load_workbook", _never_parsed)
    monkeypatch.setattr(spreadsheet, "MAX_IMPORT_ROWS", 50)
    empty_rows_workbook(tmp_path / "blank.xlsx", 5_000)
    with pytest.raises(SpreadsheetError, match="单次导入不超过 50 行（含空行）"):
        _read(tmp_path / "blank.xlsx")


def test_reading_stops_at_the_row_limit(tmp_path, monkeypatch):
    """The same limit while parsing, for rows the pre-scan cannot see (e.g. a prefixed tag)."""
    empty_rows_workbook(tmp_path / "blank.xlsx", 5_000)
    monkeypatch.setattr(spreadsheet, "check_archive", lambda stream: None)
    monkeypatch.setattr(spreadsheet, "MAX_IMPORT_ROWS", 50)
    with pytest.raises(SpreadsheetError, match="单次导入不超过 50 行（含空行）"):
        _read(tmp_path / "blank.xlsx")


def test_long_cell_in_a_row_is_refused(tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append(["李明" * 1500])  # 3,000 characters: short in bytes, long in text
    workbook.save(tmp_path / "long.xlsx")
    with pytest.raises(SpreadsheetError, match="单元格内容超过 2000 个字"):
        _read(tmp_path / "long.xlsx")


def test_not_a_zip_is_unreadable(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SpreadsheetError, match="无法读取文件"):
        _read(tmp_path / "x.xlsx")


def test_hostile_upload_through_the_page_answers_a_message(client, auth, tmp_path, monkeypatch):
    auth.login_as("org")
    monkeypatch.setattr(spreadsheet, "MAX_IMPORT_ROWS", 50)
    empty_rows_workbook(tmp_path / "blank.xlsx", 5_000)
    with open(tmp_path / "blank.xlsx", "rb") as stream:
        response = client.post("/talents/import", data={"file": (stream, "人才.xlsx")},
                               content_type="multipart/form-data")
    assert response.status_code == 200
    assert "单次导入不超过 50 行（含空行）" in response.get_data(as_text=True)


def _never_parsed(*_args, **_kwargs):
    raise AssertionError("the workbook should have been refused before openpyxl parsed it")
