"""The served target rates a service: a signed link per log, shown as a QR code on the
commissioner's phone, good for ``LINK_DAYS``; the page behind it needs no account, shows the
log's date, service, target and the commissioner's name only, and takes one answer per log.

The token carries the log's id and the moment it was made, signed with HMAC-SM3 under its own
salt (no other token of the system passes for it); expiry is read against ``core.timeutil``.
"""
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talent.commissioners.models import ServiceLog, TargetRating
from talent.commissioners.operations.base import Conflict, RuleBroken
from talent.core import audit
from talent.core.crypto import sm3_digest
from talent.core.timeutil import utcnow
from talent.extensions import db

TOKEN_SALT = "commissioner-log-rating"
LINK_DAYS = 7
_EPOCH = datetime(1970, 1, 1)


class RatingLinkRefused(RuleBroken):
    """The link is not (or no longer) good: the page says which, in words."""


@lru_cache(maxsize=4)
def _serializer_for(key: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=TOKEN_SALT, signer_kwargs={"digest_method": sm3_digest})


def _serializer() -> URLSafeSerializer:
    key = current_app.secret_key
    return _serializer_for(key.decode() if isinstance(key, bytes) else key)


def make_token(log: ServiceLog) -> str:
    made = int((utcnow() - _EPOCH).total_seconds())
    return _serializer().dumps({"l": log.id, "t": made})


def link_expires(token: str):
    """When a good token stops working (naive UTC)."""
    payload = _serializer().loads(token)
    return _EPOCH + timedelta(seconds=payload["t"], days=LINK_DAYS)


def log_for_token(token: str) -> ServiceLog:
    """The log a link rates; refused when forged, expired or for no log."""
    try:
        payload = _serializer().loads(token)
        log_id, made = int(payload["l"]), int(payload["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise RatingLinkRefused("评价链接无效：请向科技特派员重新获取二维码") from None
    made_at = _EPOCH + timedelta(seconds=made)
    if utcnow() > made_at + timedelta(days=LINK_DAYS) or made_at > utcnow() + timedelta(minutes=5):
        raise RatingLinkRefused(f"评价链接已过期（有效期 {LINK_DAYS} 天）：请向科技特派员重新获取二维码")
    log = db.session.get(ServiceLog, log_id)
    if log is None:
        raise RatingLinkRefused("评价链接无效：请向科技特派员重新获取二维码")
    return log


def rate(log: ServiceLog, score: int, comment: str) -> TargetRating:
    """The target's one answer: the service happened, a score 1–5, an optional comment."""
    if not 1 <= score <= 5:
        raise RuleBroken("请选择 1 至 5 分", fields={"score": ["请选择 1 至 5 分"]})
    already = Conflict("这次服务已经评价过了，感谢您的反馈")
    if db.session.scalar(select(TargetRating.id).where(TargetRating.log_id == log.id)):
        raise already
    rating = TargetRating(log_id=log.id, commissioner_id=log.commissioner_id, score=score,
                          comment=comment.strip()[:500])
    try:
        db.session.add(rating)
        db.session.flush()
    except IntegrityError:  # the same link answered twice at once
        db.session.rollback()
        raise already from None
    audit.record(None, "rate", log, {"target_rating": [None, score]},
                 summary=f"服务对象评价 {score} 分 · {log.target.name} {log.served_on}")
    return rating
