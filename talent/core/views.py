"""Routes that belong to no feature: the health check."""
from flask import Blueprint
from sqlalchemy import select

from talent.core.permissions import public
from talent.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@public
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
