"""SQLite's write lock held by a long import in another worker (issue 7.1): a write that cannot
get it in time is answered "busy, retry" (never a 500), and QR verification keeps answering."""
import pytest

from talent import extensions
from talent.cards import operations as cards
from talent.cards import verification
from talent.cards.models import CardScan
from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import TalentFactory


@pytest.fixture
def hold_write_lock(app, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock is SQLite's")
    monkeypatch.setattr(extensions, "SQLITE_BUSY_TIMEOUT_MS", 100)

    def hold():
        db.session.commit()
        db.engine.dispose()  # new connections take the short timeout
        holder = db.engine.connect()  # another worker, in the middle of a long import
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        return holder

    return hold


def test_a_write_that_cannot_get_the_lock_is_told_to_retry(client, auth, api_token, hold_write_lock):
    auth.login_as("org")
    headers = api_token("org")
    talent = TalentFactory()
    db.session.commit()
    holder = hold_write_lock()
    try:
        page = client.post(f"/talents/{talent.id}/leave",
                           headers={"Referer": f"http://localhost/talents/{talent.id}"})
        api = client.patch(f"/api/v1/talents/{talent.id}", json={"employer": "县科工信局", "version": 1},
                           headers=headers)
    finally:
        holder.rollback()
        holder.close()
    assert page.status_code == 302 and page.location.endswith(f"/talents/{talent.id}")
    assert "本次操作未保存，请稍后重试" in client.get(page.location).get_data(as_text=True)
    assert api.status_code == 503 and api.headers["Retry-After"] == "10"
    assert api.get_json()["error"]["code"] == "busy"
    db.session.rollback()
    assert db.session.get(Talent, talent.id).status == "active"


def test_verification_answers_while_the_scan_log_waits(client, make_user, hold_write_lock):
    card = cards.issue_card(make_user("org"), TalentFactory(education="doctorate"))
    token = verification.make_token(card)
    holder = hold_write_lock()
    try:
        during = client.get(f"/api/v1/cards/verify/{token}")
    finally:
        holder.rollback()
        holder.close()
    assert during.status_code == 200 and during.get_json()["valid"] is True
    after = client.get(f"/api/v1/cards/verify/{token}")
    assert after.status_code == 200
    db.session.rollback()
    scans = db.session.scalars(db.select(CardScan).where(CardScan.card_id == card.id)).all()
    assert len(scans) == 2  # the scan kept back while the lock was held is written with the next
