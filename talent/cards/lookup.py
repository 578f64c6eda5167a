"""What a window's desk scanner (or a clerk) types, as the card it names.

A USB scanner is a keyboard: it types the printed QR's address (or the portal's dynamic code)
and Enter; a clerk may type the card number instead. Split from :mod:`talent.cards.verification`,
whose tokens and checks it uses."""
import re

from sqlalchemy import select

from talent.cards.models import Card
from talent.cards.verification import card_for_token, make_token, verify_token
from talent.extensions import db

CARD_NUMBER = re.compile(r"LBYC-\d{4}-\d{6}", re.IGNORECASE)


def card_token_for_code(code: str) -> tuple[str | None, str]:
    """What a window's desk scanner (or a clerk) typed — a printed QR's address, the portal's
    dynamic code, a bare token or a card number — as the card's static token; else a reason."""
    code = code.strip()
    if "/cards/verify/live/" in code:
        result = verify_token(code.rsplit("/", 1)[-1][:500], channel="window", dynamic=True)
        if result.status == "lapsed":
            return None, "动态码已过期，请持卡人刷新后重新扫码"
        return (result.static_token, "") if result.static_token else (None, "无效的二维码")
    if "/cards/verify/" in code:
        code = code.rsplit("/", 1)[-1]
    number = CARD_NUMBER.fullmatch(code)
    if number:
        card = db.session.scalar(select(Card).where(Card.number == code.upper()))
        return (make_token(card), "") if card is not None else (None, f"没有卡号为 {code.upper()} 的卡")
    card = card_for_token(code)
    if card is None:
        return None, "无法识别：请扫描卡上的二维码或输入卡号（如 LBYC-2026-000123）"
    return make_token(card), ""
