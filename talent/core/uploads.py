"""Files from people: hostile until checked, kept outside ``static/``, served only through a route
that checks permission.

Images are recognised by content (Pillow), not by name or declared type, bounded in size and
pixels, and re-encoded — which also drops EXIF (GPS position, camera serial). Files are stored
under ``UPLOAD_DIR`` (default ``instance/uploads``) by a random key; the database keeps the key.
"""
import contextlib
import secrets
from io import BytesIO
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from talent.core.errors import Refused

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; larger is a decompression bomb, not a photo
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


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


def clean_image(data: bytes, max_side: int) -> bytes:
    """Decode the bytes as a JPEG/PNG/WebP image and re-encode as JPEG, at most ``max_side`` px."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise UploadRefused("只接受 JPEG、PNG 或 WebP 格式的图片")
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # keep the orientation the phone recorded
            image = image.convert("RGB")
            image.thumbnail((max_side, max_side))
            output = BytesIO()
            image.save(output, format="JPEG", quality=88)  # no exif= argument: metadata is dropped
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused("无法识别为图片，请上传 JPEG、PNG 或 WebP 格式的图片") from None
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
