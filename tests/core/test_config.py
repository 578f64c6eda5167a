import pytest

from talent import create_app
from talent.config import ConfigError


def test_production_refuses_to_start_without_a_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(instance_path=str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app(instance_path=str(tmp_path))


def test_production_needs_a_separate_card_signing_key(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("CARD_SIGNING_KEY", raising=False)
    with pytest.raises(ConfigError, match="CARD_SIGNING_KEY"):
        create_app(instance_path=str(tmp_path))


def test_production_with_secrets_starts_with_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("CARD_SIGNING_KEY", "y" * 48)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://rc.shuangpai.gov.cn")
    monkeypatch.setenv("DATA_KEY", "3:" + "5d" * 16)
    monkeypatch.setenv("INDEX_KEY", "a7" * 32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.sqlite"},
                     instance_path=str(tmp_path))
    assert app.config["CARD_SIGNING_KEY"] == "y" * 48
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.extensions["keyring"].current == 3
    # Issue 19 item 11: HTTPS only from the first answer on (the README's nginx adds it too).
    hsts = app.test_client().get("/api/v1/openapi.json").headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"
    for generated in ("secret_key", "card_signing_key", "data_key", "index_key"):
        assert not (tmp_path / generated).exists()


def test_development_generates_and_keeps_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("TALENT_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first_app = create_app(instance_path=str(tmp_path))
    assert "Strict-Transport-Security" not in first_app.test_client().get("/api/v1/openapi.json").headers
    first = first_app.config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) >= 32


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/talent")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/talent"


def test_security_headers(client):
    page = client.get("/login")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    static = client.get("/static/css/app.css")
    assert static.headers.get("Cache-Control") != "no-store"
    static.close()
