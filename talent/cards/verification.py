"""Card verification, shared by the card pages, the API and the talent portal.

The signed token in each QR code, the address it points to, the public check of a
token (with its rate limit per client) and the batched log of every scan. A library
module: views and APIs of several features import it; it imports no views.

Two kinds of token, signed by the one serializer below under different salts, so neither
passes for the other: the **static** token printed on the card (card id and number; good
for as long as the card), and the portal's **dynamic** code (the same plus the second it
was made; good for ``DYNAMIC_CODE_SECONDS``), so a forwarded screenshot stops working.
"""
import atexit
import base64
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from typing import ClassVar

from flask import current_app, request, send_file
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import OperationalError

from talent.cards.models import Card, CardRuleSet, CardScan, status_on
from talent.cards.qr import qr_png
from talent.core import ratelimit
from talent.core.crypto import sm3_digest
from talent.core.masking import mask_name
from talent.core.timeutil import utcnow
from talent.extensions import db
from talent.registry.models import Talent

log = logging.getLogger(__name__)

TOKEN_SALT = "lbyc-card-verify"
DYNAMIC_TOKEN_SALT = "lbyc-card-dynamic"
# A dynamic code made this far ahead of the server's clock is refused, not trusted.
DYNAMIC_CLOCK_SKEW_SECONDS = 60

# The dynamic code's clock (seconds since the epoch); tests replace it to freeze time.
dynamic_clock = time.time


@lru_cache(maxsize=8)
def _serializer_for(key: str, salt: str) -> URLSafeSerializer:
    """Every card token is signed here: the static ones and the dynamic ones, by salt.

    HMAC-SM3 (GB/T 32905), as 密评 expects of a government system, instead of itsdangerous'
    default HMAC-SHA1; core.crypto checks at start-up that OpenSSL provides SM3."""
    return URLSafeSerializer(key, salt=salt, signer_kwargs={"digest_method": sm3_digest})


def _serializer(salt: str = TOKEN_SALT) -> URLSafeSerializer:
    return _serializer_for(current_app.config["CARD_SIGNING_KEY"], salt)


def make_token(card: Card) -> str:
    return _static_token(card.id, card.number)


def _static_token(card_id: int, number: str) -> str:
    return _serializer().dumps([card_id, number])


def make_dynamic_token(card: Card, issued_at: int | None = None) -> str:
    """A code that names the card and the second it was made; see :func:`verify_token`."""
    issued = int(dynamic_clock()) if issued_at is None else int(issued_at)
    return _serializer(DYNAMIC_TOKEN_SALT).dumps([card.id, card.number, issued])


def _base_url() -> str:
    """``PUBLIC_BASE_URL`` (required in production), never the request's ``Host`` header
    there; in development the address the page was opened at."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        if current_app.config["PRODUCTION"]:
            raise RuntimeError("PUBLIC_BASE_URL is required in production")
        base = request.url_root
    return base.rstrip("/")


def verify_url(card: Card) -> str:
    """The address printed in the card's QR code."""
    return f"{_base_url()}/cards/verify/{make_token(card)}"


def dynamic_verify_url(token: str) -> str:
    return f"{_base_url()}/cards/verify/live/{token}"


@dataclass(frozen=True)
class DynamicCode:
    """A fresh dynamic code for the portal: its address, its QR (a data: URI) and its life."""

    url: str
    image: str
    issued_at: int
    expires_in: int

    def as_dict(self) -> dict:
        return {"url": self.url, "image": self.image, "issued_at": self.issued_at,
                "expires_in": self.expires_in}


def dynamic_code(card: Card) -> DynamicCode:
    issued = int(dynamic_clock())
    url = dynamic_verify_url(make_dynamic_token(card, issued))
    image = "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")
    return DynamicCode(url, image, issued, current_app.config["DYNAMIC_CODE_SECONDS"])


def qr_response(card: Card, download: bool = False):
    """The card's QR as PNG; shared by the card page, the API and the portal."""
    png = qr_png(verify_url(card))
    response = send_file(BytesIO(png), mimetype="image/png", as_attachment=download,
                         download_name=f"{card.number}.png", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def verify_allowed() -> bool:
    """Public verification is rate-limited per client address, in the store all workers share."""
    config = current_app.config
    return ratelimit.hit("card-verify", ratelimit.client_address(), config["CARD_VERIFY_LIMIT"],
                         config["CARD_VERIFY_WINDOW_SECONDS"])


@dataclass(frozen=True)
class Verification:
    valid: bool
    status: str  # active / expired / revoked / replaced / invalid
    tier: str | None
    tier_name: str
    holder: str
    expires_on: date | None

    # Set on a good signature, for signed-in staff who continue to the window page; never shown.
    card_id: int | None = None
    static_token: str | None = None

    STATUS_TEXT: ClassVar = {"active": "有效", "expired": "已过期", "revoked": "已注销",
                   "replaced": "已补办，此卡作废", "invalid": "无效二维码",
                   "lapsed": "动态码已过期，请刷新"}

    @property
    def status_text(self) -> str:
        return self.STATUS_TEXT[self.status]

    def as_dict(self) -> dict:
        return {"valid": self.valid, "status": self.status, "tier": self.tier, "holder": self.holder,
                "expires_on": self.expires_on.isoformat() if self.expires_on else None}


INVALID = Verification(False, "invalid", None, "", "", None)
# A genuine dynamic code past its lifetime: says nothing about the card.
LAPSED = Verification(False, "lapsed", None, "", "", None)


# Rule sets are never edited, so their tier names can be remembered per process.
_tier_names: dict[int, dict[str, str]] = {}


def _tier_name(rule_set_id: int, code: str) -> str:
    names = _tier_names.get(rule_set_id)
    if names is None:
        rules = db.session.scalar(select(CardRuleSet.rules).where(CardRuleSet.id == rule_set_id))
        names = _tier_names[rule_set_id] = {t["code"]: t["name"] for t in rules["tiers"]}
    return names.get(code, code)


def _card_id_from(token: str) -> tuple[int, str] | None:
    try:
        card_id, number = _serializer().loads(token)
        return int(card_id), str(number)
    except (BadSignature, ValueError, TypeError):
        return None


def _dynamic_claim_from(token: str) -> tuple[int, str, int] | None:
    try:
        card_id, number, issued_at = _serializer(DYNAMIC_TOKEN_SALT).loads(token)
        return int(card_id), str(number), int(issued_at)
    except (BadSignature, ValueError, TypeError):
        return None


def _age_problem(issued_at: int) -> Verification | None:
    """LAPSED past the lifetime, INVALID when made in the future; None while good."""
    age = dynamic_clock() - issued_at
    if age < -DYNAMIC_CLOCK_SKEW_SECONDS:
        return INVALID
    if age > current_app.config["DYNAMIC_CODE_SECONDS"]:
        return LAPSED
    return None


def verify_token(token: str, channel: str = "page", on: date | None = None,
                 dynamic: bool = False) -> Verification:
    """Check a token's signature (and a dynamic code's age), then the card's state; every scan
    is logged, whatever it shows.

    Anyone may call this, at any rate the limiter allows, so it stays off the ORM
    session: one indexed query on a pooled connection, and the scan goes to the
    batched :class:`ScanLog`, which commits on its own.
    """
    early = None
    if dynamic:
        dynamic_claim = _dynamic_claim_from(token)
        claim = dynamic_claim[:2] if dynamic_claim else None
        early = _age_problem(dynamic_claim[2]) if dynamic_claim else None
    else:
        claim = _card_id_from(token)
    row = None
    if claim is not None and early is None:
        with db.engine.connect() as connection:
            row = connection.execute(_CARD_FOR_SCAN, {"card_id": claim[0]}).first()
        if row is not None and row.number != claim[1]:
            row = None
    if early is not None:
        result = early
    elif row is None:
        result = INVALID
    else:
        status = status_on(row.status, row.expires_on, on)
        result = Verification(status == "active", status, row.tier, _tier_name(row.rule_set_id, row.tier),
                              mask_name(row.name), row.expires_on, card_id=row.id,
                              static_token=_static_token(row.id, row.number) if dynamic else token)
    scan_log.add({"card_id": row.id if row else None, "result": result.status, "channel": channel,
                  "at": utcnow()})
    return result


# Built once: on the hot path, building a statement costs more than running it.
_cards, _talents = Card.__table__, Talent.__table__
_CARD_FOR_SCAN = (
    select(_cards.c.id, _cards.c.number, _cards.c.status, _cards.c.tier, _cards.c.expires_on,
           _cards.c.rule_set_id, _talents.c.name)
    .join(_talents, _talents.c.id == _cards.c.talent_id)
    .where(_cards.c.id == bindparam("card_id"))
)


class ScanLog:
    """Scans are written in small batches: one insert per batch instead of one commit per scan.

    A batch is written when it reaches ``CARD_SCAN_BATCH`` rows, when its oldest scan is
    ``CARD_SCAN_MAX_DELAY`` seconds old (by a timer, so a lone scan on a quiet day does not
    wait for the next one), and when the worker exits. A worker killed outright loses at
    most one batch of scan records; the verification answers themselves never wait on the
    log. :meth:`pending` tells a page what this process holds but has not written yet.

    The log is bookkeeping: a write that fails never fails the verification that caused it.
    A busy database (SQLite past its busy timeout) keeps the batch for the next write, up to
    ``MAX_KEPT`` rows; any other failure writes the batch row by row and drops the rows that
    still fail (a scan of a card deleted since, say), each drop logged and counted in
    :attr:`lost`.
    """

    MAX_KEPT = 10_000

    def __init__(self):
        self._rows: list[dict] = []
        self._oldest = 0.0
        self._lock = threading.Lock()
        self._app = None
        self._timer: threading.Timer | None = None
        self.clock = time.monotonic
        self.lost = 0
        atexit.register(self.flush)

    def add(self, row: dict) -> None:
        config = current_app.config
        with self._lock:
            if not self._rows:
                self._oldest = self.clock()
                self._app = current_app._get_current_object()
            self._rows.append(row)
            due = (len(self._rows) >= config["CARD_SCAN_BATCH"]
                   or self.clock() - self._oldest >= config["CARD_SCAN_MAX_DELAY"])
            batch = self._take() if due else []
            if not due:
                self._arm_timer(config["CARD_SCAN_MAX_DELAY"])
        if batch:
            self._write_or_keep(batch)

    def pending(self, card_id: int) -> int:
        """Scans of a card taken by this process and not yet written."""
        with self._lock:
            return sum(1 for row in self._rows if row["card_id"] == card_id)

    def flush(self) -> None:
        """Write whatever is waiting (the timer, the worker's exit, a test)."""
        with self._lock:
            batch, app = self._take(), self._app
        if batch and app is not None:
            with app.app_context():
                self._write_or_keep(batch)

    def discard(self) -> None:
        """Forget what is waiting without writing it: a test's app and its cards are gone, so
        its scans must not reach the next test's database."""
        with self._lock:
            self._take()
            self._app = None

    def _arm_timer(self, delay: float) -> None:
        """One timer per batch at most (the caller holds the lock): under load batches fill
        long before it fires."""
        if self._timer is None:
            self._timer = threading.Timer(delay, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def _write_or_keep(self, batch: list[dict]) -> None:
        try:
            self._write(batch)
        except OperationalError:  # SQLite busy past busy_timeout (a long import is writing)
            self._keep(batch)
        except Exception:  # bookkeeping must never fail the verification that caused it
            log.exception("scan log: writing a batch of %d failed; writing it row by row", len(batch))
            self._write_each(batch)

    def _keep(self, batch: list[dict]) -> None:
        log.warning("scan log busy; keeping %d scans for the next batch", len(batch))
        with self._lock:
            self._rows[:0] = batch
            overflow = len(self._rows) - self.MAX_KEPT
            if overflow > 0:
                del self._rows[:overflow]
                self.lost += overflow
                log.error("scan log: %d scans dropped, the database stayed busy", overflow)
            if self._app is None:
                self._app = current_app._get_current_object()
            self._arm_timer(current_app.config["CARD_SCAN_MAX_DELAY"])

    def _write_each(self, batch: list[dict]) -> None:
        for row in batch:
            try:
                self._write([row])
            except Exception:  # one bad row must not cost the others
                with self._lock:
                    self.lost += 1
                log.error("scan log: scan of card %s (%s at %s) could not be written and is lost",
                          row.get("card_id"), row.get("result"), row.get("at"), exc_info=True)

    @staticmethod
    def _write(batch: list[dict]) -> None:
        with db.engine.begin() as connection:
            connection.execute(_LOG_SCAN, batch)

    def _take(self) -> list[dict]:
        """The waiting rows, leaving none; the caller holds the lock."""
        batch, self._rows = self._rows, []
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        return batch


_LOG_SCAN = insert(CardScan.__table__)
scan_log = ScanLog()


def card_for_token(token: str) -> Card | None:
    """The card a QR token names, for signed-in staff at a window; None when forged or re-issued."""
    claim = _card_id_from(token[:500])
    if claim is None:
        return None
    card = db.session.get(Card, claim[0])
    return card if card is not None and card.number == claim[1] else None
