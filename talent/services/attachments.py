"""Files people attach to requests: hostile until checked.

The type is read from the content (PDF, JPEG, PNG — never the name or the browser's word),
the size is bounded, images are re-encoded (which drops EXIF data such as a phone's GPS
position), and files live outside ``static/`` under ``UPLOAD_DIR`` (default
``instance/uploads``), served only by routes that check who is asking.
"""
import io
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from talent.core import uploads
from talent.core.errors import Refused

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
KINDS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class BadAttachment(Refused):
    status = 422


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _reencoded(data: bytes, content_type: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.width * image.height > 60_000_000:
                raise BadAttachment(f"图片“{name}”尺寸过大")
            output = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                image.save(output, "PNG", optimize=False)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise BadAttachment(f"图片“{name}”已损坏或无法识别") from error
    return output.getvalue()


def _clean_name(filename: str, content_type: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", os.path.basename(filename or "")).strip() or "附件"
    stem = stem.rsplit(".", 1)[0][:80]
    return f"{stem}.{KINDS[content_type]}"


def check(storage) -> CheckedFile | None:
    """A werkzeug ``FileStorage`` checked and made safe, or None for an empty file input."""
    if storage is None or not storage.filename:
        return None
    data = storage.stream.read(MAX_BYTES + 1)
    name = os.path.basename(storage.filename)[:80]
    if len(data) > MAX_BYTES:
        raise BadAttachment(f"附件“{name}”超过 10 MB")
    if not data:
        raise BadAttachment(f"附件“{name}”是空文件")
    content_type = uploads.sniff_document(data[:16])
    if content_type is None:
        raise BadAttachment(f"附件“{name}”不是 PDF、JPEG 或 PNG 文件")
    if content_type != "application/pdf":
        data = _reencoded(data, content_type, name)
    return CheckedFile(_clean_name(name, content_type), content_type, data)


def check_all(storages) -> list[CheckedFile]:
    checked = [f for f in (check(s) for s in storages or []) if f is not None]
    if len(checked) > MAX_FILES:
        raise BadAttachment(f"每次最多上传 {MAX_FILES} 个附件")
    return checked


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; returns that name (no user text reaches the path)."""
    stored = f"{uuid.uuid4().hex}.{KINDS[checked.content_type]}"
    (uploads.upload_root("services") / stored).write_bytes(checked.data)
    return stored


def path_of(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(pdf|jpg|png)", stored_name):
        raise ValueError("bad stored name")
    return uploads.upload_root("services") / stored_name
