"""Rate limits and sign-in back-off in a store every worker shares.

Flask-Limiter holds the store: ``RATELIMIT_STORAGE_URI`` (``memory://`` by default, fine
for one process and for tests; ``redis://127.0.0.1:6379/0`` in production, so that N
gunicorn workers share one count instead of allowing N × the limit). Callers name a
limit and a key (usually the client address, see ``TRUSTED_PROXIES`` in the README)
and ask :func:`hit`. The fixed-window strategy keeps one counter per key and window (one
INCR on Redis); a client may reach twice the limit across a window boundary, at most.

If the store cannot be reached, a limit is not enforced for that request and the
failure is logged: a Redis outage must not take the public QR check down with it.
"""
import logging
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItemPerSecond

EXTENSION = "talent_limiter"
log = logging.getLogger(__name__)


def client_address() -> str:
    """The client's address: ``remote_addr``, corrected by ProxyFix behind trusted proxies."""
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> Limiter:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "fixed-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "talent")
    limiter = Limiter(client_address, app=app, default_limits=[],
                      key_prefix=app.config["RATELIMIT_KEY_PREFIX"])
    app.extensions[EXTENSION] = limiter
    return limiter


def _limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def _item(limit: int, seconds: int, name: str) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(limit, int(seconds), namespace=name)


def hit(name: str, key: str, limit: int, seconds: int) -> bool:
    """Count one hit for ``key``; False when it is over ``limit`` per ``seconds``."""
    try:
        return _limiter().limiter.hit(_item(limit, seconds, name), key)
    except Exception:
        log.exception("rate-limit store unavailable; %s not enforced", name)
        return True


def exceeded(name: str, key: str, limit: int, seconds: int) -> bool:
    """Whether the next :func:`hit` would be refused, without counting one."""
    try:
        return not _limiter().limiter.test(_item(limit, seconds, name), key)
    except Exception:
        log.exception("rate-limit store unavailable; %s not enforced", name)
        return False


# --- counters with an expiry (sign-in failures and back-off) -------------------------------------

def _key(name: str, key: str) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/{name}/{key}"


def count(name: str, key: str) -> int:
    try:
        return int(_limiter().storage.get(_key(name, key)) or 0)
    except Exception:
        log.exception("rate-limit store unavailable")
        return 0


def increment(name: str, key: str, seconds: int) -> int:
    """Add one to a counter that disappears ``seconds`` after its first increment."""
    try:
        return int(_limiter().storage.incr(_key(name, key), int(seconds)))
    except Exception:
        log.exception("rate-limit store unavailable")
        return 0


def hold(name: str, key: str, seconds: int) -> None:
    """Set a flag that lasts ``seconds`` from now (a sign-in lock)."""
    try:
        storage = _limiter().storage
        storage.clear(_key(name, key))
        storage.incr(_key(name, key), max(1, int(seconds)))
    except Exception:
        log.exception("rate-limit store unavailable")


def remaining(name: str, key: str) -> float:
    """Seconds left on a flag set by :func:`hold`, 0 when there is none."""
    try:
        storage = _limiter().storage
        if not storage.get(_key(name, key)):
            return 0.0
        return max(0.0, storage.get_expiry(_key(name, key)) - time.time())
    except Exception:
        log.exception("rate-limit store unavailable")
        return 0.0


def forget(name: str, key: str) -> None:
    try:
        _limiter().storage.clear(_key(name, key))
    except Exception:
        log.exception("rate-limit store unavailable")
