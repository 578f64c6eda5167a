"""Response headers every page and API answer carries.

Personal data must not linger in shared browser caches on county office PCs, pages
must not be framed by another site, and scripts come only from our own static files.
"""
import hashlib
import hmac
import re

from flask import current_app, g, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


# A page may let the signed-in person's own phone keep a copy for offline use (the 科技特派员's
# field pages): ``private, no-cache`` instead of ``no-store``, and the owner's key beside it so a
# service worker files the copy under that account and drops it when another account signs in.
OFFLINE_OWNER_HEADER = "X-Offline-Owner"
_OFFLINE_COPY = "X-Offline-Copy"


def allow_offline_copy(response):
    response.headers[_OFFLINE_COPY] = "1"
    return response


def offline_owner_key(user) -> str:
    """An opaque key per account: tells accounts apart on one phone without naming them."""
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"offline-owner:{user.id}".encode(), hashlib.sha256).hexdigest()[:24]


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
        offline_copy = response.headers.pop(_OFFLINE_COPY, None) == "1"
        if current_app.config.get("HSTS"):  # production only: HTTPS from then on, no downgrade
            response.headers.setdefault("Strict-Transport-Security", current_app.config["HSTS"])
        if request.endpoint != "static":
            # Forced, not defaulted: send_file's "no-cache" still lets a shared PC keep the
            # export (full ID numbers) or a card's QR on disk.
            response.headers["Cache-Control"] = "private, no-cache" if offline_copy else "no-store"
            # The account this request acted as (a page the view rendered, not a redirect: after
            # a sign-out it is no longer the owner).
            user = g.get("acting_user")
            if response.status_code == 200 and response.mimetype == "text/html" and user is not None:
                response.headers[OFFLINE_OWNER_HEADER] = offline_owner_key(user)
        disposition = response.headers.get("Content-Disposition")
        if disposition:
            response.headers["Content-Disposition"] = _readable_ascii_fallback(disposition)
        return response
