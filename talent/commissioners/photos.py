"""Photos of a service: hostile until checked.

The type is read from the content (JPEG, PNG or WebP), never from the file name; each file is
at most 10 MB; every image is decoded and re-encoded as JPEG, which drops EXIF (GPS position,
camera serial) — the location is a field the commissioner chooses, and a photo's time and place
come from the phone when it was picked (``read_meta``), shown as a caption beside it. Files live outside
``static/`` (``UPLOAD_DIR`` or ``instance/uploads``) and are served by a route that checks who
may see the log.
"""
import json
import math
import uuid
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps

from talent.commissioners.models import LogPhoto, ServiceLog
from talent.commissioners.operations import RuleBroken
from talent.core import audit, timeutil, uploads
from talent.extensions import db

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 2560
THUMB_SIDE = 320


class PhotoRefused(RuleBroken):
    def __init__(self, message: str):
        super().__init__(message, fields={"photos": [message]})


def upload_dir() -> Path:
    return uploads.upload_root("service-logs")


def photo_path(photo: LogPhoto, thumb: bool = False) -> Path:
    name = photo.stored_name.replace(".jpg", ".thumb.jpg") if thumb else photo.stored_name
    return upload_dir() / name


def _read(upload) -> bytes:
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(f"照片“{upload.filename or ''}”超过10MB，请压缩后再上传")
    if not data:
        raise PhotoRefused("照片文件是空的")
    return data


def _decode(data: bytes, name: str) -> Image.Image:
    message = f"“{name}”不是可用的图片：只接受 JPEG、PNG 或 WebP 格式的照片"
    try:
        return uploads.decoded(uploads.open_image(data, "service-log", name, ALLOWED_FORMATS), name)
    except uploads.UploadRefused as refused:
        raise PhotoRefused(refused.message if "像素" in refused.message else message) from None


def _jpeg(image: Image.Image) -> bytes:
    output = BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


def _prepare(image: Image.Image) -> tuple[bytes, bytes, tuple[int, int]]:
    image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.split()[-1])
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    full = _jpeg(image)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return full, _jpeg(thumb), image.size


def _number(value, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if low <= value <= high else None


def read_meta(raw: str, count: int) -> list[dict]:
    """When and where the phone took each photo, as the field app wrote them (a JSON list in
    the order of the files: ``{taken_at: ms since 1970, lat, lng, accuracy_m}``). It is the
    phone's word, not the picture's: what does not parse is left out, never refused — the
    photos themselves matter more than their captions."""
    try:
        entries = json.loads(raw) if raw and len(raw) <= 4000 else []
    except ValueError:
        entries = []
    if not isinstance(entries, list):
        entries = []
    earliest = datetime(2000, 1, 1)
    latest = timeutil.utcnow() + timedelta(days=1)  # a phone clock a little ahead
    meta = []
    for entry in [*entries[:count], *[{}] * max(0, count - len(entries))]:
        entry = entry if isinstance(entry, dict) else {}
        values: dict = {}
        millis = _number(entry.get("taken_at"), 0, 4_102_444_800_000)
        if millis is not None:
            taken = datetime.fromtimestamp(millis / 1000, UTC).replace(tzinfo=None)
            if earliest <= taken <= latest:
                values["taken_at"] = taken
        lat, lng = _number(entry.get("lat"), -90, 90), _number(entry.get("lng"), -180, 180)
        if lat is not None and lng is not None:
            values.update(lat=round(lat, 6), lng=round(lng, 6),
                          accuracy_m=_number(entry.get("accuracy_m"), 0, 100_000))
        meta.append(values)
    return meta


def add_photos(actor, log: ServiceLog, uploads, meta: list[dict] | None = None) -> list[LogPhoto]:
    """Check every upload first, then store them all: one bad file stores nothing. ``meta``
    (from ``read_meta``) gives each photo its caption's time and place."""
    uploads = [u for u in uploads if u is not None and getattr(u, "filename", None)]
    if not uploads:
        return []
    if len(log.photos) + len(uploads) > MAX_PHOTOS:  # counted before any is read or decoded
        raise PhotoRefused(f"每条服务日志最多 {MAX_PHOTOS} 张照片")
    prepared = [_prepare(_decode(_read(u), u.filename)) for u in uploads]
    meta = [*(meta or [])[:len(prepared)], *[{}] * max(0, len(prepared) - len(meta or []))]
    folder = upload_dir()
    added = []
    for (full, thumb, (width, height)), caption in zip(prepared, meta, strict=True):
        name = f"{uuid.uuid4().hex}.jpg"
        (folder / name).write_bytes(full)
        (folder / name.replace(".jpg", ".thumb.jpg")).write_bytes(thumb)
        photo = LogPhoto(log_id=log.id, stored_name=name, width=width, height=height,
                         size=len(full), **caption)
        log.photos.append(photo)
        added.append(photo)
    db.session.flush()
    audit.record(actor, "add_photos", log, {"photos": [None, len(log.photos)]},
                 summary=f"上传 {len(added)} 张照片")
    return added


def delete_files(photo: LogPhoto) -> None:
    """Once the removal is committed: the picture and its thumbnail leave the disk too."""
    for thumb in (False, True):
        photo_path(photo, thumb=thumb).unlink(missing_ok=True)
