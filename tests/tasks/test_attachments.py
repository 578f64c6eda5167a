"""Report attachments: checked by content, stored outside static/, served with permission."""
import io
import zipfile
from datetime import date
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from talent.extensions import db
from talent.tasks import files
from talent.tasks.models import ProgressReport, ReportAttachment
from tests.tasks.conftest import unit_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(output, format="PNG")
    return output.getvalue()


def _docx() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


def test_types_are_read_from_the_content():
    assert files.check(PDF).extension == "pdf"
    assert files.check(_png()).content_type == "image/png"
    assert files.check(_docx()).extension == "docx"
    for bad in (b"", b"MZ\x90\x00 an executable", b"<html><script>", b"PK\x03\x04 not a zip"):
        try:
            files.check(bad)
        except files.FileRefused:
            continue
        raise AssertionError(bad[:10])
    try:
        files.check(b"%PDF-" + b"0" * files.MAX_BYTES)
    except files.FileRefused as error:
        assert "20 MB" in str(error)


def test_upload_with_a_report_then_download(app, client, auth, items, frozen):
    frozen(date(2023, 7, 3))
    auth.login_as("unit", unit_id=unit_id("县林业局"))
    item = items["1.1"]
    response = client.post(f"/tasks/items/{item.id}/report", content_type="multipart/form-data", data={
        "period": "2023-06", "narrative": "选址论证完成",
        "attachments": [(io.BytesIO(PDF), "论证报告.pdf"), (io.BytesIO(_png()), "现场.png")]})
    assert response.status_code == 302
    report = db.session.scalar(select(ProgressReport))
    assert [(a.filename, a.content_type) for a in report.attachments] == [
        ("论证报告.pdf", "application/pdf"), ("现场.png", "image/png")]
    stored = Path(app.instance_path) / "uploads" / "tasks" / report.attachments[0].stored_name
    assert stored.read_bytes() == PDF and "static" not in str(stored)
    page = client.get(f"/tasks/items/{item.id}").get_data(as_text=True)
    assert "论证报告.pdf" in page
    download = client.get(f"/tasks/attachments/{report.attachments[0].id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Cache-Control"] == "no-store"
    auth.login_as("talent")
    assert client.get(f"/tasks/attachments/{report.attachments[0].id}").status_code == 403


def test_a_disguised_file_refuses_the_whole_report(client, auth, items, frozen):
    frozen(date(2023, 7, 3))
    auth.login_as("unit", unit_id=unit_id("县林业局"))
    item = items["1.1"]
    response = client.post(f"/tasks/items/{item.id}/report", content_type="multipart/form-data", data={
        "period": "2023-06", "narrative": "选址论证完成",
        "attachments": [(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(b"<script>alert(1)</script>"), "报告.pdf")]})
    assert response.status_code == 200
    assert "报告.pdf：只接受 PDF、图片" in response.get_data(as_text=True)
    assert db.session.scalar(select(ProgressReport)) is None
    assert db.session.scalar(select(ReportAttachment)) is None
