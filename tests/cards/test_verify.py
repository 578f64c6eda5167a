"""The QR code and its verification: real PNG decoded, forged, revoked, expired, superseded."""
from datetime import date
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from talent.cards import operations as cards
from talent.cards import verification
from talent.cards.models import CardScan
from talent.extensions import db
from tests.factories import TalentFactory, UserFactory


@pytest.fixture
def card(app):
    clerk = UserFactory(role="org")
    holder = TalentFactory(name="欧阳湘云", education="doctorate")
    issued = cards.issue_card(clerk, holder)
    db.session.commit()
    return issued


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_qr_png_decodes_to_the_verification_url(client, api_token, card):
    response = client.get(f"/api/v1/cards/{card.id}/qr.png", headers=api_token("org"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    url = _decode(response.data)
    assert url == f"http://localhost/cards/verify/{verification.make_token(card)}"
    page = client.get(url.replace("http://localhost", ""))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-status="active"' in body and "有效" in body
    assert "欧**云" in body and "欧阳湘云" not in body
    assert card.talent.id_number not in body and card.talent.phone not in body


def test_public_base_url_is_used_when_configured(client, auth, app, card):
    app.config["PUBLIC_BASE_URL"] = "https://rc.shuangpai.gov.cn"
    auth.login_as("org")
    url = _decode(client.get(f"/cards/{card.id}/qr.png").data)
    assert url.startswith("https://rc.shuangpai.gov.cn/cards/verify/")


def test_api_verify_shape(client, card):
    body = client.get(f"/api/v1/cards/verify/{verification.make_token(card)}").get_json()
    assert body == {"valid": True, "status": "active", "tier": "B", "holder": "欧**云",
                    "expires_on": card.expires_on.isoformat()}


@pytest.mark.parametrize("mangle", [
    # altered signature; not the last character, whose low bits are base64 padding
    lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],
    lambda t: "W1sxLCJMQllDLTIwMjYtMDAwMDAxIl0" + t[t.index("."):],  # altered payload
    lambda t: "garbage",
    lambda t: t + "x" * 600,
])
def test_forged_or_altered_tokens_read_invalid(client, card, mangle):
    token = mangle(verification.make_token(card))
    body = client.get(f"/api/v1/cards/verify/{token}").get_json()
    assert body == {"valid": False, "status": "invalid", "tier": None, "holder": "", "expires_on": None}
    assert "无效二维码" in client.get(f"/cards/verify/{token}").get_data(as_text=True)


def test_token_signed_with_another_key_is_invalid(client, app, card):
    good = verification.make_token(card)
    app.config["CARD_SIGNING_KEY"] = "another-key-" * 4
    assert client.get(f"/api/v1/cards/verify/{good}").get_json()["status"] == "invalid"


def test_revoked_card_reads_revoked(client, card):
    token = verification.make_token(card)
    cards.revoke_card(None, card, "调离")
    db.session.commit()
    body = client.get(f"/api/v1/cards/verify/{token}").get_json()
    assert (body["valid"], body["status"]) == (False, "revoked")
    assert "已注销" in client.get(f"/cards/verify/{token}").get_data(as_text=True)


def test_expired_card_reads_expired(client, card, freeze_today):
    token = verification.make_token(card)
    freeze_today(card.expires_on)
    assert client.get(f"/api/v1/cards/verify/{token}").get_json()["status"] == "active"
    freeze_today(date.fromordinal(card.expires_on.toordinal() + 1))
    body = client.get(f"/api/v1/cards/verify/{token}").get_json()
    assert (body["valid"], body["status"]) == (False, "expired")


def test_reissued_card_makes_the_old_qr_invalid(client, card):
    old_token = verification.make_token(card)
    new = cards.reissue_card(None, card)
    db.session.commit()
    assert client.get(f"/api/v1/cards/verify/{old_token}").get_json()["status"] == "replaced"
    assert client.get(f"/api/v1/cards/verify/{verification.make_token(new)}").get_json()["valid"] is True


def test_every_scan_is_logged(client, card):
    client.get(f"/cards/verify/{verification.make_token(card)}")
    client.get("/api/v1/cards/verify/nonsense")
    scans = list(db.session.scalars(select(CardScan).order_by(CardScan.id)))
    assert [(s.card_id, s.result, s.channel) for s in scans] == [(card.id, "active", "page"),
                                                                 (None, "invalid", "api")]


def test_verification_is_rate_limited_per_client(client, app, card):
    app.config["CARD_VERIFY_LIMIT"] = 3
    token = verification.make_token(card)
    answers = [client.get(f"/api/v1/cards/verify/{token}").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get(f"/cards/verify/{token}").status_code == 429
    other = client.get(f"/api/v1/cards/verify/{token}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_scans_are_written_in_batches_and_at_exit(client, app, card):
    from talent.cards.verification import scan_log

    app.config["CARD_SCAN_BATCH"] = 3
    token = verification.make_token(card)

    def logged() -> int:
        db.session.rollback()  # read afresh, outside any earlier snapshot
        return db.session.scalar(select(db.func.count(CardScan.id)))

    client.get(f"/api/v1/cards/verify/{token}")
    client.get(f"/api/v1/cards/verify/{token}")
    assert logged() == 0
    client.get(f"/api/v1/cards/verify/{token}")
    assert logged() == 3
    client.get(f"/api/v1/cards/verify/{token}")
    scan_log.flush()
    assert logged() == 4


def test_an_old_scan_is_written_with_the_next_one(client, app, card, monkeypatch):
    from talent.cards.verification import scan_log

    app.config["CARD_SCAN_BATCH"] = 100
    app.config["CARD_SCAN_MAX_DELAY"] = 5.0
    token = verification.make_token(card)
    clock = [1000.0]
    monkeypatch.setattr(scan_log, "clock", lambda: clock[0])
    client.get(f"/api/v1/cards/verify/{token}")
    clock[0] += 6
    client.get(f"/api/v1/cards/verify/{token}")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(CardScan.id))) == 2


def test_public_verification_sets_no_cookie(database_url, card):
    from tests.conftest import make_app

    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = protected.test_client()
    token = verification.make_token(card)
    for url in (f"/cards/verify/{token}", f"/api/v1/cards/verify/{token}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url


def _scans_shown(client, card) -> str:
    body = client.get(f"/cards/{card.id}").get_data(as_text=True)
    return body.split("扫码核验</dt>", 1)[1].split("</dd>", 1)[0]


def test_a_scan_counts_on_the_card_page_at_once(client, auth, app, card):
    """Batched like in production (20 rows / 5 s): the clerk who has just scanned sees it."""
    from talent.cards.verification import scan_log

    app.config.update(CARD_SCAN_BATCH=20, CARD_SCAN_MAX_DELAY=60.0)
    auth.login_as("org")
    assert "0 次" in _scans_shown(client, card)
    anonymous = app.test_client()
    assert anonymous.get(f"/cards/verify/{verification.make_token(card)}").status_code == 200
    try:
        assert scan_log.pending(card.id) == 1
        assert "1 次" in _scans_shown(client, card)
    finally:
        scan_log.flush()
    assert scan_log.pending(card.id) == 0
    assert "1 次" in _scans_shown(client, card)  # now from the table, not counted twice


def test_a_lone_scan_is_written_after_the_delay_without_another(client, app, card):
    import time

    from talent.cards.verification import scan_log

    app.config.update(CARD_SCAN_BATCH=20, CARD_SCAN_MAX_DELAY=0.2)
    client.get(f"/api/v1/cards/verify/{verification.make_token(card)}")
    def stored() -> int:
        db.session.rollback()  # read afresh
        return db.session.scalar(select(db.func.count(CardScan.id)).where(CardScan.card_id == card.id))

    deadline = time.monotonic() + 10
    while stored() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stored() == 1 and scan_log.pending(card.id) == 0


def _stored_scans(card_id: int) -> int:
    db.session.rollback()  # read afresh
    return db.session.scalar(select(db.func.count(CardScan.id)).where(CardScan.card_id == card_id))


def test_a_failing_scan_log_never_fails_the_verification(client, app, card, monkeypatch):
    """The scan log is bookkeeping: whatever its write raises, the holder's check answers."""
    from talent.cards.verification import scan_log

    def broken(batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scan_log, "_write", broken)
    lost = scan_log.lost
    token = verification.make_token(card)
    response = client.get(f"/api/v1/cards/verify/{token}")
    assert response.status_code == 200
    assert response.get_json()["valid"] is True and response.get_json()["status"] == "active"
    page = client.get(f"/cards/verify/{token}")
    assert page.status_code == 200 and 'data-status="active"' in page.get_data(as_text=True)
    assert scan_log.lost == lost + 2 and scan_log.pending(card.id) == 0


def test_a_scan_of_a_card_gone_since_is_dropped_and_the_others_written(client, app, card):
    """The case seen in the wild: a pending scan names a card that no longer exists (foreign
    key fails) and is flushed inside someone else's verification."""
    from sqlalchemy import delete, insert

    from talent.cards.models import Card
    from talent.cards.verification import scan_log

    other = cards.issue_card(None, TalentFactory(name="蒋竹青", education="doctorate"))
    db.session.commit()
    app.config["CARD_SCAN_BATCH"] = 2
    gone_token = verification.make_token(card)
    assert client.get(f"/api/v1/cards/verify/{gone_token}").status_code == 200
    assert scan_log.pending(card.id) == 1
    # The card row goes away (as with a test's reset); keep a copy to restore for teardown.
    gone = {column.key: getattr(card, column.key) for column in Card.__table__.columns}
    db.session.execute(delete(Card).where(Card.id == card.id))
    db.session.commit()
    lost = scan_log.lost
    response = client.get(f"/api/v1/cards/verify/{verification.make_token(other)}")
    assert response.status_code == 200 and response.get_json()["status"] == "active"
    assert scan_log.lost == lost + 1
    assert _stored_scans(other.id) == 1
    db.session.execute(insert(Card).values(**gone))
    db.session.commit()


def test_a_busy_database_keeps_the_scans_for_the_next_write(client, app, card, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from talent.cards.verification import scan_log

    write = type(scan_log)._write
    calls = []

    def busy_once(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        write(batch)

    monkeypatch.setattr(scan_log, "_write", busy_once)
    token = verification.make_token(card)
    assert client.get(f"/api/v1/cards/verify/{token}").status_code == 200
    assert scan_log.pending(card.id) == 1 and _stored_scans(card.id) == 0
    assert client.get(f"/api/v1/cards/verify/{token}").status_code == 200
    assert calls == [1, 2] and _stored_scans(card.id) == 2 and scan_log.pending(card.id) == 0
