"""The portal's dynamic code: signed with the card tokens' serializer under its own salt, good for
DYNAMIC_CODE_SECONDS (time frozen through ``verification.dynamic_clock``), refreshed by the page."""
import base64
from datetime import date
from io import BytesIO

import pytest
import time_machine
import zxingcpp
from PIL import Image
from sqlalchemy import select

from talent.auth.units import unit_named
from talent.cards import operations as cards
from talent.cards import verification
from talent.cards.models import CardScan
from talent.extensions import db
from tests.factories import TalentFactory

NOW = 1_795_000_000  # 2026-11-18, a fixed second


@pytest.fixture
def clock(monkeypatch):
    """The dynamic code's clock, frozen and movable: ``clock.now = …``."""

    class Clock:
        now = NOW

    frozen = Clock()
    monkeypatch.setattr(verification, "dynamic_clock", lambda: frozen.now)
    return frozen


@pytest.fixture
def card(app):
    issued = cards.issue_card(None, TalentFactory(name="欧阳湘云", education="doctorate"))
    db.session.commit()
    return issued


def _page(client, token: str, dynamic: bool = True):
    prefix = "/cards/verify/live/" if dynamic else "/cards/verify/"
    response = client.get(prefix + token)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _status(body: str) -> str:
    return body.split('data-status="', 1)[1].split('"', 1)[0]


def test_fresh_code_is_valid_until_its_lifetime_then_lapses(client, app, card, clock):
    assert app.config["DYNAMIC_CODE_SECONDS"] == 300
    token = verification.make_dynamic_token(card)
    body = _page(client, token)
    assert _status(body) == "active" and "动态码核验通过" in body and "欧**云" in body
    clock.now = NOW + 300
    assert _status(_page(client, token)) == "active"
    clock.now = NOW + 301
    body = _page(client, token)
    assert _status(body) == "lapsed"
    assert "动态码已过期，请刷新" in body
    assert "无效二维码" not in body and "篡改" not in body and "欧**云" not in body


def test_lifetime_is_a_setting(client, app, card, clock):
    app.config["DYNAMIC_CODE_SECONDS"] = 60
    token = verification.make_dynamic_token(card)
    clock.now = NOW + 61
    assert _status(_page(client, token)) == "lapsed"


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],  # altered signature
    lambda t: base64.urlsafe_b64encode(b'[1,"LBYC-2026-000001",1795000900]').decode().rstrip("=")
    + t[t.index("."):],  # payload altered to extend its life
    lambda t: "garbage",
])
def test_tampered_code_is_refused_like_a_forged_card(client, card, clock, mangle):
    body = _page(client, mangle(verification.make_dynamic_token(card)))
    assert _status(body) == "invalid" and "无效二维码" in body and "动态码已过期" not in body


def test_a_code_from_the_future_is_refused(client, card, clock):
    token = verification.make_dynamic_token(card, issued_at=NOW + 3600)
    assert _status(_page(client, token)) == "invalid"


def test_static_and_dynamic_tokens_do_not_pass_for_each_other(client, card, clock):
    static, dynamic = verification.make_token(card), verification.make_dynamic_token(card)
    assert _status(_page(client, static, dynamic=True)) == "invalid"
    assert _status(_page(client, dynamic, dynamic=False)) == "invalid"
    assert client.get(f"/api/v1/cards/verify/{dynamic}").get_json()["status"] == "invalid"
    assert verification.card_for_token(dynamic) is None  # the window page takes static tokens only


def test_code_of_a_card_since_revoked_expired_or_replaced_shows_that(client, card, clock, freeze_today):
    token = verification.make_dynamic_token(card)
    freeze_today(date.fromordinal(card.expires_on.toordinal() + 1))
    assert _status(_page(client, token)) == "expired"
    freeze_today(card.expires_on)
    cards.revoke_card(None, card, "调离")
    db.session.commit()
    body = _page(client, token)
    assert _status(body) == "revoked" and "已注销" in body and "此卡当前不能享受持卡待遇" in body

    other = cards.issue_card(None, TalentFactory(education="doctorate"))
    old = verification.make_dynamic_token(other)
    cards.reissue_card(None, other)
    db.session.commit()
    assert _status(_page(client, old)) == "replaced"


def test_dynamic_scans_are_logged(client, card, clock):
    token = verification.make_dynamic_token(card)
    _page(client, token)
    clock.now = NOW + 301
    _page(client, token)
    scans = db.session.scalars(select(CardScan).order_by(CardScan.id)).all()
    assert [(s.card_id, s.result, s.channel) for s in scans] == [(card.id, "active", "dynamic"),
                                                                 (None, "lapsed", "dynamic")]


def test_window_clerk_continues_from_a_dynamic_code(client, auth, card, clock):
    auth.login_as("unit", unit_id=unit_named("县卫健局").id)
    body = _page(client, verification.make_dynamic_token(card))
    static = verification.make_token(card)
    assert f'href="/window/{static}"' in body
    assert client.get(f"/window/{static}").status_code == 200
    clock.now = NOW + 301
    assert "/window/" not in _page(client, verification.make_dynamic_token(card, issued_at=NOW))


def _decode(data_uri: str) -> str:
    png = base64.b64decode(data_uri.split(",", 1)[1])
    results = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    assert len(results) == 1
    return results[0].text


@pytest.fixture
def holder(auth, card):
    user = auth.login_as("talent", talent_id=card.talent_id)
    assert user.talent_id == card.talent_id
    return user


def test_portal_shows_a_dynamic_code_that_verifies(client, holder, card, clock):
    page = client.get("/me").get_data(as_text=True)
    assert 'id="dynamic-qr"' in page and 'data-expires-in="300"' in page and "5:00" in page
    assert "js/dynamic-code.js" in page and "/me/qr.png" in page  # the card's own QR stays
    image = page.split('id="dynamic-code"', 1)[1].split('src="', 1)[1].split('"', 1)[0]
    url = _decode(image)
    assert url.startswith("http://localhost/cards/verify/live/")
    client.post("/logout")
    assert _status(_page(client, url.removeprefix("http://localhost/cards/verify/live/"))) == "active"


def test_refresh_gives_a_new_code_and_is_rate_limited(client, app, holder, card, clock):
    app.config["DYNAMIC_CODE_REFRESH_LIMIT"] = 2
    first = client.get("/me/dynamic-code")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    clock.now = NOW + 250
    second = client.get("/me/dynamic-code").get_json()
    assert second["expires_in"] == 300 and second["issued_at"] == NOW + 250
    assert second["url"] != first.get_json()["url"] and _decode(second["image"]) == second["url"]
    clock.now = NOW + 301  # the first lapsed, the refreshed one still works
    token = second["url"].rsplit("/", 1)[1]
    assert _status(_page(client, token)) == "active"
    limited = client.get("/me/dynamic-code")
    assert limited.status_code == 429
    assert limited.get_json()["error"]["message"] == "刷新过于频繁，请稍后再试"


def test_no_code_without_a_usable_card(client, auth, card, clock):
    user = auth.login_as("talent")
    assert client.get("/me/dynamic-code").status_code == 404
    assert 'id="dynamic-qr"' not in client.get("/me").get_data(as_text=True)
    cards.revoke_card(None, card, "调离")
    db.session.commit()
    client.post("/logout")
    auth.login_as("talent", talent_id=card.talent_id)
    assert client.get("/me/dynamic-code").status_code == 404
    assert user.talent_id != card.talent_id


def test_other_roles_cannot_fetch_codes(client, auth):
    auth.login_as("org")
    assert client.get("/me/dynamic-code").status_code == 403



def test_verify_page_names_the_time_of_the_check_and_a_dynamic_codes_seconds_left(client, card, clock):
    """NOW is 2026-11-18 19:06:40 in 双牌 (11:06:40 UTC); the check comes 25 seconds later."""
    lifetime = client.application.config["DYNAMIC_CODE_SECONDS"]
    token = verification.make_dynamic_token(card, issued_at=NOW)
    clock.now = NOW + 25
    with time_machine.travel(NOW + 25, tick=False):
        page = client.get(f"/cards/verify/live/{token}").get_data(as_text=True)
        printed = client.get(f"/cards/verify/{verification.make_token(card)}").get_data(as_text=True)
    assert '核验时间：<span class="font-monospace">2026-11-18 19:07:05</span>（北京时间）' in page
    assert f'data-seconds-left="{lifetime - 25}"' in page
    assert "2026-11-18 19:07:05" in printed and "seconds-left" not in printed
