"""Application material (申报材料): hostile until checked.

The type is read from the content, never from the name or the browser's claim; the size is
bounded while reading; images are re-encoded (which drops metadata and anything riding along
after the image data); files live under ``UPLOAD_DIR`` (default ``instance/uploads``), never
under ``static/``, under a random name, and are served only by a route that checks who asks.
"""
import re
import secrets
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from talent.core import uploads
from talent.core.errors import Refused
from talent.core.inputs import clean_filename
from talent.programmes.models import ATTACHMENT_TYPES

MAX_BYTES = 10 * 1024 * 1024
SUBDIR = "programmes"
KEY_RE = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|png)$")


class BadAttachment(Refused):
    status = 422

    def __init__(self, message: str):
        super().__init__(message, fields={"attachment": [message]})


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    content_type: str
    size: int


def upload_root() -> Path:
    return uploads.upload_root(SUBDIR)


def path_for(key: str) -> Path | None:
    """The stored file for a key, or None for anything that is not one of our keys."""
    if not key or not KEY_RE.match(key):
        return None
    path = upload_root() / key
    return path if path.is_file() else None


def _clean_name(filename: str, extension: str) -> str:
    name = clean_filename(unicodedata.normalize("NFC", filename or ""), "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or '申报材料')[:180]}.{extension}"


def _reencode(data: bytes, content_type: str) -> bytes:
    try:
        with uploads.open_image(data, "attachment", formats={"PNG", "JPEG"}) as image:
            uploads.decoded(image)
            output = BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                image.save(output, "PNG", optimize=True)
    except uploads.UploadRefused as refused:
        raise BadAttachment(refused.message) from None
    except (OSError, SyntaxError, ValueError):
        raise BadAttachment("图片文件已损坏或无法识别") from None
    return output.getvalue()


def store(upload) -> StoredFile:
    """Check and keep an uploaded file (a werkzeug ``FileStorage``)."""
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise BadAttachment("申报材料不能超过 10 MB")
    if not data:
        raise BadAttachment("上传的文件是空的")
    content_type = uploads.sniff_document(data[:16])
    if content_type is None:
        raise BadAttachment("只接受 PDF、JPEG 或 PNG 格式的申报材料")
    if content_type != "application/pdf":
        data = _reencode(data, content_type)
    extension = ATTACHMENT_TYPES[content_type]
    key = f"{secrets.token_hex(16)}.{extension}"
    (upload_root() / key).write_bytes(data)
    return StoredFile(key=key, name=_clean_name(upload.filename, extension),
                      content_type=content_type, size=len(data))


def discard(stored: StoredFile | None) -> None:
    """Remove a file stored for a change that was then refused, so no orphan stays behind."""
    if stored is not None:
        path = path_for(stored.key)
        if path is not None:
            path.unlink(missing_ok=True)
