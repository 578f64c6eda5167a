"""Files people attach to requests: hostile until checked.

The type is read from the content (PDF, JPEG, PNG — never the name or the browser's word),
the size is bounded, images are re-encoded (which drops EXIF data such as a phone's GPS
position), and files live outside ``static/`` under ``UPLOAD_DIR`` (default
``instance/uploads``), served only by routes that check who is asking.
"""
import io
import re
import uuid
from pathlib import Path

from talent.core import uploads
from talent.core.errors import Refused
from talent.core.inputs import clean_filename

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
KINDS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class BadAttachment(Refused):
    status = 422


# A checked file: name, type and bytes, as for application and claim material.
CheckedFile = uploads.CheckedDocument


def _reencoded(data: bytes, content_type: str, name: str) -> bytes:
    try:
        # Dimensions from the header first (core/uploads.py); decoded only if they pass.
        with uploads.open_image(data, "attachment", name, formats={"PNG", "JPEG"}) as image:
            uploads.decoded(image, name)
            output = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").save(output, "JPEG", quality=90)
            else:
                image.save(output, "PNG", optimize=False)
    except uploads.UploadRefused as refused:
        raise BadAttachment(refused.message) from None
    except (OSError, ValueError) as error:
        raise BadAttachment(f"图片“{name}”已损坏或无法识别") from error
    return output.getvalue()


def _clean_name(filename: str, content_type: str) -> str:
    stem = clean_filename(filename).rsplit(".", 1)[0][:80]
    return f"{stem}.{KINDS[content_type]}"


def check(storage) -> CheckedFile | None:
    """A werkzeug ``FileStorage`` checked and made safe, or None for an empty file input."""
    if storage is None or not storage.filename:
        return None
    data = storage.stream.read(MAX_BYTES + 1)
    name = clean_filename(storage.filename)[:80]
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
    """Count first, then read and check each file: nothing is decoded when there are too many."""
    try:
        present = uploads.check_count(storages, MAX_FILES, f"每次最多上传 {MAX_FILES} 个附件")
    except uploads.UploadRefused as refused:
        raise BadAttachment(refused.message) from None
    return [f for f in (check(s) for s in present) if f is not None]


def store(checked: CheckedFile) -> str:
    """Write the file under a random name; returns that name (no user text reaches the path)."""
    stored = f"{uuid.uuid4().hex}.{KINDS[checked.content_type]}"
    (uploads.upload_root("services") / stored).write_bytes(checked.data)
    return stored


def path_of(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(pdf|jpg|png)", stored_name):
        raise ValueError("bad stored name")
    return uploads.upload_root("services") / stored_name
