"""Input no field may carry: the NUL character.

PostgreSQL text cannot hold NUL (``\\x00``): a username, search or JSON string containing
one reached the driver and came back as a 500 ("text fields cannot contain NUL"), found by
the property-based API test. No legitimate value contains it, so a request carrying one in
its query string, form fields or JSON body is answered 400 before any view runs. File
uploads (xlsx are zip archives, full of zero bytes) are not inspected; their cells are read
by the importer.
"""
from flask import abort, request

JSON_NUL = b"\\u0000"


def _carries_nul() -> bool:
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        return True
    mimetype = request.mimetype or ""
    if mimetype == "application/x-www-form-urlencoded":
        return any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True))
    if mimetype == "application/json" or mimetype.endswith("+json"):
        data = request.get_data(cache=True)
        return b"\x00" in data or JSON_NUL in data.lower()
    return False


def register(app) -> None:
    @app.before_request
    def refuse_nul():
        if _carries_nul():
            abort(400)
