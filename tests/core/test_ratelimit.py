"""Limits in a shared store, the client address behind trusted proxies, the QR link's host."""
import pytest
from sqlalchemy import func, select

from talent import create_app
from talent.cards import operations as cards
from talent.cards import verification
from talent.config import ConfigError
from talent.core import ratelimit
from talent.extensions import db
from talent.registry.models import CorrectionRequest
from tests.conftest import make_app
from tests.factories import TalentFactory, UserFactory


@pytest.fixture
def token(app):
    card = cards.issue_card(UserFactory(role="org"), TalentFactory(education="doctorate"))
    db.session.commit()
    return verification.make_token(card)


def _verify(client, token, forwarded=None, remote="127.0.0.1"):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.get(f"/api/v1/cards/verify/{token}", headers=headers,
                      environ_base={"REMOTE_ADDR": remote}).status_code


def test_without_trusted_proxies_a_forwarded_header_cannot_dodge_the_limit(client, app, token):
    app.config["CARD_VERIFY_LIMIT"] = 2
    answers = [_verify(client, token, forwarded=f"10.0.0.{n}") for n in range(3)]
    assert answers == [200, 200, 429]


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(database_url, token):
    proxied = make_app(database_url, TRUSTED_PROXIES=1, CARD_VERIFY_LIMIT=2)
    client = proxied.test_client()
    with proxied.app_context():
        # every request reaches the app from the proxy's address, as behind nginx
        assert [_verify(client, token, "203.0.113.5", "127.0.0.1") for _ in range(3)] == [200, 200, 429]
        assert _verify(client, token, "203.0.113.6", "127.0.0.1") == 200
        # a client cannot reset its count by adding its own X-Forwarded-For in front
        assert _verify(client, token, "1.2.3.4, 203.0.113.5", "127.0.0.1") == 429


def test_trusted_proxies_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert create_app(instance_path=str(tmp_path)).config["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app(instance_path=str(tmp_path))


def test_limits_are_counted_in_the_configured_store(app):
    limiter = app.extensions[ratelimit.EXTENSION]
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert type(limiter.storage).__name__ == "MemoryStorage"
    with app.test_request_context():
        assert ratelimit.hit("demo", "k", 1, 60) and not ratelimit.hit("demo", "k", 1, 60)
        assert ratelimit.hit("demo", "other", 1, 60)


def test_two_apps_on_one_shared_store_share_one_count(database_url, token, tmp_path):
    """What N gunicorn workers on one Redis see: the limit holds across them, not N × it."""
    pytest.importorskip("redis")
    from tests.redis_server import ThrowawayRedis

    server = ThrowawayRedis(tmp_path)
    uri = server.start()
    try:
        workers = [make_app(database_url, RATELIMIT_STORAGE_URI=uri, CARD_VERIFY_LIMIT=3)
                   for _ in range(2)]
        answers = []
        for n in range(4):
            worker = workers[n % 2]
            with worker.app_context():
                answers.append(_verify(worker.test_client(), token))
        assert answers == [200, 200, 200, 429]
    finally:
        server.stop()


def test_production_requires_a_public_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("CARD_SIGNING_KEY", "y" * 48)
    monkeypatch.setenv("DATA_KEY", "1:" + "5d" * 16)
    monkeypatch.setenv("INDEX_KEY", "a7" * 32)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app(instance_path=str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://rc.shuangpai.gov.cn/")
    assert create_app(instance_path=str(tmp_path)).config["PUBLIC_BASE_URL"] == "https://rc.shuangpai.gov.cn"


def test_qr_link_ignores_the_host_header_when_the_base_url_is_set(client, api_token, app, token):
    app.config["PUBLIC_BASE_URL"] = "https://rc.shuangpai.gov.cn"
    card_id = db.session.scalar(select(func.max(cards.Card.id)))
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        url = verification.verify_url(db.session.get(cards.Card, card_id))
    assert url.startswith("https://rc.shuangpai.gov.cn/cards/verify/")
    headers = {**api_token("org"), "Host": "evil.example"}
    response = client.get(f"/api/v1/cards/{card_id}/qr.png", headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_correction_requests_are_rate_limited(client, auth, app):
    app.config["CORRECTION_LIMIT"] = 2
    auth.login_as("talent")
    for n in range(3):
        page = client.post("/me/corrections", data={"text": f"第{n}次更正"}, follow_redirects=True)
    assert "过于频繁" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CorrectionRequest.id))) == 2


def test_an_unreachable_store_lets_verification_and_sign_in_work(database_url, token, caplog):
    from tests.redis_server import free_port

    dead = make_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    with dead.app_context():
        assert _verify(dead.test_client(), token) == 200
        user = UserFactory(role="org", username="still-works")
        db.session.commit()
        signed_in = dead.test_client().post("/login", data={"username": "still-works",
                                                             "password": "Passw0rd-test"})
    assert user.id and "rate-limit store unavailable" in caplog.text
    assert signed_in.status_code == 302


@pytest.mark.parametrize(("method", "url", "kwargs"), [
    ("post", "/api/v1/auth/token", {"json": {"username": "a\x00b", "password": "x"}}),
    ("post", "/login", {"data": {"username": "a\x00b", "password": "x"}}),
    ("get", "/talents?q=%00", {}),
])
def test_a_nul_character_is_a_422_not_a_database_error(client, auth, method, url, kwargs):
    """Found by the property-based API test: PostgreSQL text cannot hold NUL (it was a 500).
    The input boundary (core/inputs.py) refuses it with a clear message."""
    auth.login_as("org")
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 422
    assert "U+0000" in response.get_data(as_text=True)
