"""Files from people: hostile until checked, kept outside ``static/``, served only through a route
that checks permission. This module is the one gate every feature's uploads pass.

Order of checks, cheapest first, nothing decoded before it is measured:

1. **count** (:func:`check_count`) before any file is read;
2. **bytes**, bounded while reading (:func:`read_limited`);
3. **type by content** (:func:`sniff_document`), never the name or the browser's claim;
4. **images**: :func:`open_image` reads the format and the dimensions from the header (Pillow's
   ``Image.open`` is lazy: ``.size`` is known before ``.load()`` decodes anything) and refuses
   more pixels than :data:`PIXEL_LIMITS` allows for that kind of upload; only then is the image
   decoded and re-encoded — which also drops EXIF (GPS position, camera serial). A 657 KB PNG
   of 13000×13000 px used to be decoded (≈ 630 MB) before its size was looked at;
5. **OOXML** (.docx/.xlsx/.pptx): :func:`check_ooxml` measures the zip's directory (entry
   count, total uncompressed size, compression ratio) before any entry is opened;
6. **legacy Office** (.doc/.xls/.ppt, OLE compound files) is refused: such a file can be
   neither re-encoded nor inspected without a parser for a format that carries macros and
   can be HTML in disguise, and every Office since 2007 saves the OOXML form ("另存为");
7. **names** lose path parts, control and bidi characters (:func:`talent.core.inputs.clean_filename`).

Pixel limits per kind (``PIXEL_LIMITS``; the largest is also Pillow's own backstop):

============================  ============  =================================================
kind                          limit         why
============================  ============  =================================================
``photo`` (人才证件照)          40 Mpx        a 40-megapixel phone photo
``service-log`` (服务日志照片)  50 Mpx        phone photos of fields and workshops, panoramas
``attachment`` (申请附件等)     40 Mpx        a scanned A4 page at 600 dpi is ~35 Mpx
============================  ============  =================================================

Files are stored under ``UPLOAD_DIR`` (default ``instance/uploads``) by a random key; the
database keeps the key.

**Documents** (application and claim material, the last section): PDF, JPEG or PNG, checked by
:func:`check_document` with the steps above (bytes, type by content, images re-encoded without
EXIF), stored under ``UPLOAD_DIR/<kind>`` (each feature names its own kind), added from a
record's page by :func:`add_from_form` and served by :func:`download` — only through a route
that has loaded the record as the user may see it.
"""
import contextlib
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file
from PIL import Image, ImageOps, UnidentifiedImageError

from talent.core.errors import Refused
from talent.core.forms import MaterialForm
from talent.core.permissions import acting_user
from talent.extensions import db

MAX_IMAGE_BYTES = 10 * 1024 * 1024
PIXEL_LIMITS = {"photo": 40_000_000, "service-log": 50_000_000, "attachment": 40_000_000}
MAX_PIXELS = PIXEL_LIMITS["photo"]
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# Pillow's own guard (a warning past this, an error past twice this), behind ours.
Image.MAX_IMAGE_PIXELS = max(PIXEL_LIMITS.values())

# OOXML archives: a real report attachment has tens of parts and unpacks to a few MB.
OOXML_MAX_ENTRIES = 1000
OOXML_MAX_UNPACKED = 100 * 1024 * 1024
OOXML_MAX_RATIO = 100  # XML compresses ~10:1; a bomb compresses 1000:1
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .doc / .xls / .ppt
LEGACY_OFFICE_MESSAGE = ("不接受旧版 Office 文件（.doc、.xls、.ppt）：请在 Office 或 WPS 中“另存为”"
                         " .docx、.xlsx 或 .pptx 后上传")


class UploadRefused(Refused):
    status = 422


def upload_root(kind: str = "") -> Path:
    """``UPLOAD_DIR`` (default ``instance/uploads``), or its folder for one kind of file; the
    one place every feature's files are put, so the setting moves them all."""
    configured = current_app.config.get("UPLOAD_DIR")
    root = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    root = root / kind if kind else root
    root.mkdir(parents=True, exist_ok=True)
    return root


def sniff_document(head: bytes) -> str | None:
    """The content type the first bytes declare, among PDF, JPEG and PNG (never the file's name
    or the browser's claim)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _path(kind: str, key: str) -> Path:
    if not key.isalnum() or not kind.isalpha():
        raise FileNotFoundError(key)
    return upload_root() / kind / key


def read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(f"文件不能超过 {limit // (1024 * 1024)} MB")
    if not data:
        raise UploadRefused("请选择要上传的文件")
    return data


def check_count(files, limit: int, message: str | None = None) -> list:
    """The non-empty uploads among ``files``, refused when more than ``limit`` — before any of
    them is read (40 large PNGs were decoded before "at most 5" was said)."""
    present = [f for f in files or [] if f is not None and getattr(f, "filename", None)]
    if len(present) > limit:
        raise UploadRefused(message or f"每次最多上传 {limit} 个文件")
    return present


UNREADABLE_IMAGE = "无法识别为图片，请上传 JPEG、PNG 或 WebP 格式的图片"


def open_image(data: bytes, kind: str, name: str = "", formats=IMAGE_FORMATS) -> Image.Image:
    """The image in ``data``, opened but not decoded: its format and its dimensions (read from
    the header) are checked against ``formats`` and the pixel limit of ``kind`` first. The caller
    decodes (``.load()``, ``convert``…) only what passed."""
    label = f"“{name}”" if name else ""
    limit = PIXEL_LIMITS[kind]
    too_large = f"图片{label}尺寸过大，不能超过 {limit // 1_000_000} 百万像素，请缩小后再上传"
    try:
        image = Image.open(BytesIO(data))
    except Image.DecompressionBombError:  # Pillow's own backstop, at more than twice the largest
        raise UploadRefused(too_large) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(f"图片{label}已损坏或无法识别，请上传 JPEG、PNG 或 WebP 格式的图片") from None
    if image.format not in formats:
        image.close()
        raise UploadRefused(f"图片{label}的格式不受支持：只接受 " + "、".join(sorted(formats)))
    width, height = image.size
    if width * height > limit:
        image.close()
        raise UploadRefused(too_large.replace("尺寸过大", f"尺寸过大（{width}×{height} 像素）"))
    return image


def decoded(image: Image.Image, name: str = "") -> Image.Image:
    """Decode an image that :func:`open_image` let through; a corrupt body is a refusal."""
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(f"图片{f'“{name}”' if name else ''}已损坏或无法识别") from None
    return image


def check_ooxml(data: bytes) -> list[str]:
    """The part names of an OOXML (zip) file, refused before any part is opened when it has
    too many entries, unpacks too large, or compresses like a bomb (declared sizes bind:
    zipfile stops reading an entry at its declared size)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused("文件已损坏，无法识别为 Office 文件") from None
    if len(entries) > OOXML_MAX_ENTRIES:
        raise UploadRefused(f"Office 文件内部条目过多（超过 {OOXML_MAX_ENTRIES} 个），请检查文件")
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > OOXML_MAX_UNPACKED:
        raise UploadRefused(f"Office 文件解压后超过 {OOXML_MAX_UNPACKED // (1024 * 1024)} MB，"
                            "请压缩图片或拆分后再上传")
    if unpacked > 1024 * 1024 and unpacked > OOXML_MAX_RATIO * max(packed, 1):
        raise UploadRefused("Office 文件的压缩比异常（可能是压缩炸弹），已拒绝")
    return [entry.filename for entry in entries]


def clean_image(data: bytes, max_side: int, kind: str = "photo") -> bytes:
    """Decode the bytes as a JPEG/PNG/WebP image and re-encode as JPEG, at most ``max_side`` px;
    the header is checked (:func:`open_image`) before anything is decoded."""
    try:
        with open_image(data, kind) as image:
            image = decoded(image)
            image = ImageOps.exif_transpose(image)  # keep the orientation the phone recorded
            image = image.convert("RGB")
            image.thumbnail((max_side, max_side))
            output = BytesIO()
            image.save(output, format="JPEG", quality=88)  # no exif= argument: metadata is dropped
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(UNREADABLE_IMAGE) from None
    return output.getvalue()


def store(kind: str, data: bytes) -> str:
    key = secrets.token_hex(16)
    path = _path(kind, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key


def store_image(kind: str, stream, *, max_side: int = 1600, limit: int = MAX_IMAGE_BYTES) -> str:
    return store(kind, clean_image(read_limited(stream, limit), max_side))


def load(kind: str, key: str) -> bytes:
    return _path(kind, key).read_bytes()


def discard(kind: str, key: str | None) -> None:
    if key:
        with contextlib.suppress(FileNotFoundError):
            _path(kind, key).unlink(missing_ok=True)


# --- documents: application and claim material -----------------------------------------------------

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENTS_PER_UPLOAD = 5
DOCUMENTS_PER_RECORD = 20
DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class CheckedDocument:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _document_name(filename: str, content_type: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]", "_", os.path.basename(filename or "")).strip() or "材料"
    stem = stem.rsplit(".", 1)[0][:80] or "材料"
    return f"{stem}.{DOCUMENT_EXTENSIONS[content_type]}"


def check_document(storage) -> CheckedDocument | None:
    """A werkzeug ``FileStorage`` checked and made safe (a PDF as it is, an image re-encoded as
    JPEG), or None for an empty file input."""
    if storage is None or not storage.filename:
        return None
    data = read_limited(storage.stream, DOCUMENT_MAX_BYTES)
    content_type = sniff_document(data[:16])
    if content_type is None:
        raise UploadRefused("材料只接受 PDF、JPEG 或 PNG 文件", fields={"files": ["文件类型不符"]})
    if content_type != "application/pdf":
        data, content_type = clean_image(data, max_side=2400), "image/jpeg"
    return CheckedDocument(_document_name(storage.filename, content_type), content_type, data)


def check_documents(storages) -> list[CheckedDocument]:
    checked = [f for f in (check_document(s) for s in storages or []) if f is not None]
    if len(checked) > DOCUMENTS_PER_UPLOAD:
        raise UploadRefused(f"每次最多上传 {DOCUMENTS_PER_UPLOAD} 个材料", fields={"files": ["文件过多"]})
    return checked


def add_from_form(record, add, back: str):
    """The 补充材料 view of any record (the caller has loaded it as the user may see it): the form
    checked (CSRF), ``add(actor, record, files)`` run — it checks who may add and the files, and
    refuses with a message — one commit, a flash, and back to the record's page."""
    form = MaterialForm()
    if not form.validate_on_submit():
        abort(400)
    count = add(acting_user(), record, request.files.getlist(form.files.name))
    db.session.commit()
    flash(f"已上传 {count} 个材料", "success")
    return redirect(back)


def download(kind: str, key: str, filename: str, content_type: str):
    """A stored document as a response: 404 when the file is gone, a PDF as an attachment,
    never kept by the browser (``no-store``). The caller has loaded and checked the row."""
    try:
        data = load(kind, key)
    except FileNotFoundError:
        abort(404)
    response = send_file(BytesIO(data), mimetype=content_type, download_name=filename,
                         as_attachment=content_type == "application/pdf")
    response.headers["Cache-Control"] = "no-store"
    return response
