"""Attachments to progress reports: hostile until checked.

The type is read from the content, never from the name or the browser's claim; images are
re-encoded (which drops anything hidden in them and their metadata); files live under the
instance folder, outside ``static/``, and are served only by a route that checks permission.
"""
import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from talent.core import uploads

MAX_BYTES = 20 * 1024 * 1024
OFFICE_PARTS = {"word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                "ppt/": ("pptx",
                         "application/vnd.openxmlformats-officedocument.presentationml.presentation")}


class FileRefused(ValueError):
    """The file is not one we accept; the message is shown to the user."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    extension: str
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _office(data: bytes) -> CheckedFile | None:
    try:
        names = uploads.check_ooxml(data)  # measured before any part is opened
    except uploads.UploadRefused as refused:
        raise FileRefused(refused.message) from None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, (extension, content_type) in OFFICE_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return CheckedFile(data, extension, content_type)
    return None


def _image(data: bytes) -> CheckedFile:
    try:
        with uploads.open_image(data, "attachment", formats={"PNG", "JPEG"}) as image:
            uploads.decoded(image)
            kind = image.format
            output = io.BytesIO()
            if kind == "PNG":
                image.save(output, format="PNG")
                return CheckedFile(output.getvalue(), "png", "image/png")
            image.convert("RGB").save(output, format="JPEG", quality=90)
            return CheckedFile(output.getvalue(), "jpg", "image/jpeg")
    except uploads.UploadRefused as refused:
        raise FileRefused(refused.message) from None
    except (OSError, ValueError) as error:
        raise FileRefused("图片无法读取") from error


def check(data: bytes) -> CheckedFile:
    """PDF, PNG/JPEG images, Word/Excel/PowerPoint OOXML files (by content), at most 20 MB;
    legacy .doc/.xls/.ppt are refused (see core/uploads.py)."""
    if not data:
        raise FileRefused("文件是空的")
    if len(data) > MAX_BYTES:
        raise FileRefused("单个附件不超过 20 MB")
    if data.startswith(b"%PDF-"):
        return CheckedFile(data, "pdf", "application/pdf")
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return _image(data)
    if data.startswith(uploads.OLE_MAGIC):
        raise FileRefused(uploads.LEGACY_OFFICE_MESSAGE)  # why: see core/uploads.py
    if data.startswith(b"PK\x03\x04"):
        office = _office(data)
        if office is not None:
            return office
    raise FileRefused("只接受 PDF、图片（PNG/JPEG）和 Word/Excel/PowerPoint 文件")


def folder() -> Path:
    return uploads.upload_root("tasks")


def store(checked: CheckedFile) -> str:
    """Write the checked bytes under a random name; returns that name."""
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    (folder() / name).write_bytes(checked.data)
    return name


def path_of(stored_name: str) -> Path | None:
    path = folder() / Path(stored_name).name
    return path if path.is_file() else None
