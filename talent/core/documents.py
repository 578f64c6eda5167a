"""Documents people attach (application material, claim material): PDF, JPEG or PNG, checked with
the upload checks — the type read from the content (``sniff_document``), the size bounded while
reading (``read_limited``), images decoded and re-encoded (``clean_image``, which drops EXIF) — and
stored by ``uploads.store`` under ``UPLOAD_DIR/<kind>`` by a random key, served only through a
route that checks who asks. Each feature names its own ``kind`` (folder)."""

import os
import re
from dataclasses import dataclass
from io import BytesIO

from talent.core import uploads
from talent.core.forms import MaterialForm

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5  # per upload
MAX_FILES_PER_RECORD = 20
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _clean_name(filename: str, content_type: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]", "_", os.path.basename(filename or "")).strip() or "材料"
    stem = stem.rsplit(".", 1)[0][:80] or "材料"
    return f"{stem}.{EXTENSIONS[content_type]}"


def check(storage) -> CheckedFile | None:
    """A werkzeug ``FileStorage`` checked and made safe, or None for an empty file input."""
    if storage is None or not storage.filename:
        return None
    data = uploads.read_limited(storage.stream, MAX_BYTES)
    content_type = uploads.sniff_document(data[:16])
    if content_type is None:
        raise uploads.UploadRefused("材料只接受 PDF、JPEG 或 PNG 文件", fields={"files": ["文件类型不符"]})
    if content_type != "application/pdf":
        data, content_type = uploads.clean_image(data, max_side=2400), "image/jpeg"
    return CheckedFile(_clean_name(storage.filename, content_type), content_type, data)


def check_all(storages) -> list[CheckedFile]:
    checked = [f for f in (check(s) for s in storages or []) if f is not None]
    if len(checked) > MAX_FILES:
        raise uploads.UploadRefused(f"每次最多上传 {MAX_FILES} 个材料", fields={"files": ["文件过多"]})
    return checked


def store(kind: str, checked: CheckedFile) -> str:
    return uploads.store(kind, checked.data)


def load(kind: str, key: str) -> bytes:
    return uploads.load(kind, key)


def add_from_form(record, add, back: str):
    """The 补充材料 view of any record (the caller has loaded it as the user may see it): the form
    checked (CSRF), ``add(actor, record, files)`` run — it checks who may add and the files, and
    refuses with a message — one commit, a flash, and back to the record's page."""
    from flask import abort, flash, redirect, request

    from talent.core.permissions import acting_user
    from talent.extensions import db

    form = MaterialForm()
    if not form.validate_on_submit():
        abort(400)
    count = add(acting_user(), record, request.files.getlist(form.files.name))
    db.session.commit()
    flash(f"已上传 {count} 个材料", "success")
    return redirect(back)


def download(kind: str, key: str, filename: str, content_type: str):
    """A stored material as a response: 404 when the file is gone, a PDF as an attachment,
    never kept by the browser (``no-store``). The caller has loaded and checked the row."""
    from flask import abort, send_file

    try:
        data = load(kind, key)
    except FileNotFoundError:
        abort(404)
    response = send_file(BytesIO(data), mimetype=content_type, download_name=filename,
                         as_attachment=content_type == "application/pdf")
    response.headers["Cache-Control"] = "no-store"
    return response
