"""Response headers every page and API answer carries.

Personal data must not linger in shared browser caches on county office PCs, pages
must not be framed by another site, and scripts come only from our own static files.
"""
import re

from flask import current_app, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


# Werkzeug's plain-ASCII ``filename=`` for a Chinese name keeps only what is ASCII:
# "科技人才信息库-20261127.xlsx" becomes "-20261127.xlsx", and a template ".xlsx" (a hidden file).
_ASCII_NAME = re.compile(r'filename="?([^";]*)"?')


def _readable_ascii_fallback(disposition: str) -> str:
    match = _ASCII_NAME.search(disposition)
    if match is None or "filename*=" not in disposition:
        return disposition
    name = match.group(1)
    stem, dot, extension = name.rpartition(".")
    if dot and re.search(r"[A-Za-z]", stem):
        return disposition
    kept = stem.strip("-_ ")
    readable = "longbo" + (f"-{kept}" if kept else "") + (f".{extension}" if dot else "")
    return disposition[:match.start()] + f'filename="{readable}"' + disposition[match.end():]


def register(app):
    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # The verification URL carries a card token: never hand it to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if current_app.config.get("HSTS"):  # production only: HTTPS from then on, no downgrade
            response.headers.setdefault("Strict-Transport-Security", current_app.config["HSTS"])
        if request.endpoint != "static":
            # Forced, not defaulted: send_file's "no-cache" still lets a shared PC keep the
            # export (full ID numbers) or a card's QR on disk.
            response.headers["Cache-Control"] = "no-store"
        disposition = response.headers.get("Content-Disposition")
        if disposition:
            response.headers["Content-Disposition"] = _readable_ascii_fallback(disposition)
        return response
