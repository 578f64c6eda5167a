"""The one upload gate (core/uploads.py) — issue 19 items 3, 13, 14: dimensions from the header
before decoding, count before reading, OOXML measured before opening, legacy Office refused,
file names without bidi or control characters."""
import struct
import zipfile
import zlib
from io import BytesIO

import pytest
from PIL import Image, ImageFile
from werkzeug.datastructures import FileStorage

from talent.commissioners import photos
from talent.core import uploads
from talent.programmes import uploads as programme_uploads
from talent.services import attachments
from talent.tasks import files


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` (8-bit RGB) with one short IDAT: enough for
    Pillow to open it and read ``.size``; decoding it would allocate width×height×3 bytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def small_png(size=(40, 30)) -> bytes:
    output = BytesIO()
    Image.new("RGB", size, "red").save(output, "PNG")
    return output.getvalue()


@pytest.fixture
def decodes(monkeypatch):
    """Every image Pillow decodes, recorded (ImageFile.load is where pixels are allocated)."""
    seen = []
    original = ImageFile.ImageFile.load

    def spy(self):
        seen.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return seen


def storage(data: bytes, name: str) -> FileStorage:
    return FileStorage(BytesIO(data), filename=name)


def test_item3_service_attachment_of_13000_squared_is_refused_before_decoding(app, decodes):
    with pytest.raises(attachments.BadAttachment, match=r"尺寸过大.*不能超过 40 百万像素"):
        attachments.check_all([storage(png_header(13000, 13000), "big.png")])
    assert decodes == []


def test_item3_file_count_is_checked_before_any_file_is_read(app, decodes):
    read = []

    class Counting(BytesIO):
        def read(self, *args):
            read.append(1)
            return super().read(*args)

    many = [FileStorage(Counting(small_png()), filename=f"{i}.png") for i in range(6)]
    with pytest.raises(attachments.BadAttachment, match="每次最多上传 5 个附件"):
        attachments.check_all(many)
    assert read == [] and decodes == []


def test_item3_task_report_attachment_has_a_pixel_limit(app, decodes):
    with pytest.raises(files.FileRefused, match="尺寸过大"):
        files.check(png_header(13000, 13000))
    assert decodes == []
    assert files.check(small_png()).extension == "png"


def test_item3_talent_photo_limit_of_40_megapixels_is_enforced(app, decodes):
    with pytest.raises(uploads.UploadRefused, match="不能超过 40 百万像素"):
        uploads.clean_image(png_header(8000, 8000), 1600)  # 64 Mpx: was accepted
    assert decodes == []
    assert uploads.clean_image(small_png(), 1600).startswith(b"\xff\xd8")


def test_item3_programme_material_and_log_photos_use_the_same_gate(app, decodes):
    with pytest.raises(programme_uploads.BadAttachment, match="尺寸过大"):
        programme_uploads.store(storage(png_header(7000, 7000), "材料.png"))
    with pytest.raises(photos.PhotoRefused, match="像素"):
        photos._decode(png_header(8000, 8000), "田间.png")
    assert decodes == []


def test_pixel_limit_is_per_kind():
    assert uploads.PIXEL_LIMITS == {"photo": 40_000_000, "service-log": 50_000_000,
                                    "attachment": 40_000_000}
    # 45 Mpx: a field photo passes the header check, an attachment does not.
    assert uploads.open_image(png_header(9000, 5000), "service-log").size == (9000, 5000)
    with pytest.raises(uploads.UploadRefused):
        uploads.open_image(png_header(9000, 5000), "attachment")


def _docx(parts: dict[str, bytes | int]) -> bytes:
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if isinstance(content, int):  # that many zero bytes, written in chunks
                with archive.open(name, "w", force_zip64=True) as part:
                    for _ in range(content // (1 << 20)):
                        part.write(bytes(1 << 20))
            else:
                archive.writestr(name, content)
    return output.getvalue()


def test_item14_docx_bomb_is_refused_before_any_part_is_opened(app, monkeypatch):
    bomb = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": 110 * (1 << 20)})
    assert len(bomb) < 1 << 20
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or None)
    with pytest.raises(files.FileRefused, match="解压后超过 100 MB"):
        files.check(bomb)
    assert opened == []


def test_item14_compression_ratio_and_entry_count(app):
    ratio = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": 20 * (1 << 20)})
    with pytest.raises(files.FileRefused, match="压缩比异常"):
        files.check(ratio)
    crowded = _docx({"[Content_Types].xml": b"<Types/>",
                     **{f"word/media/{i}.xml": b"x" for i in range(1001)}})
    with pytest.raises(files.FileRefused, match="条目过多"):
        files.check(crowded)
    fine = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 50})
    assert files.check(fine).extension == "docx"


def test_item14_legacy_ole_office_files_are_refused(app):
    html_in_ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"<html><script>alert(1)</script></html>"
    with pytest.raises(files.FileRefused, match="另存为"):
        files.check(html_in_ole)


def test_item13_bidi_and_controls_leave_attachment_names(app):
    pdf = b"%PDF-1.4\n%%EOF\n"
    [checked] = attachments.check_all([storage(pdf, "invoice\u202egpj.exe.pdf")])
    assert checked.filename == "invoicegpj.exe.pdf"
    [other] = attachments.check_all([storage(pdf, "a\u2067b\u0007c.pdf")])
    assert other.filename == "abc.pdf"
    stored = programme_uploads.store(storage(pdf, "申报\u202e材料.pdf"))
    assert stored.name == "申报材料.pdf"
    programme_uploads.discard(stored)
