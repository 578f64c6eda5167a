"""Response headers every page and API answer carries.

Personal data must not linger in shared browser caches on county office PCs, pages
must not be framed by another site, and scripts come only from our own static files.
"""
from flask import request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def register(app):
    @app.after_request
    def secure_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # The verification URL carries a card token: never hand it to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.endpoint != "static":
            # Forced, not defaulted: send_file's "no-cache" still lets a shared PC keep the
            # export (full ID numbers) or a card's QR on disk.
            response.headers["Cache-Control"] = "no-store"
        return response
