"""Fixtures: an app per test on SQLite and on PostgreSQL, users per role, a signed-in client."""
import os
import tempfile

import pytest
from flask import g
from sqlalchemy import text

from talent import create_app
from talent.core import timeutil
from talent.extensions import db
from talent.reference import seed_reference
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.pg import ThrowawayPostgres, find_bindir

BACKENDS = ["sqlite", "postgresql"]


def required_by_ci(name: str) -> bool:
    """CI sets REQUIRE_BROWSER and REQUIRE_POSTGRES: there a missing tool fails instead of skipping."""
    return os.environ.get(name, "") not in ("", "0")


@pytest.fixture(scope="session")
def postgresql_url():
    bindir = find_bindir()
    if bindir is None:
        if required_by_ci("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found")
        pytest.skip("PostgreSQL server binaries not installed")
    server = ThrowawayPostgres(bindir)
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session", params=BACKENDS)
def db_backend(request):
    return request.param


@pytest.fixture(scope="session")
def database_url(request, db_backend):
    return request.getfixturevalue(f"{db_backend}_url")


_schema_ready: set[str] = set()
TEST_DATA_KEY = "1:" + "5d" * 16
TEST_INDEX_KEY = "a7" * 32


def make_app(database_url: str, **overrides):
    instance = tempfile.mkdtemp(prefix="talent-instance-")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "CARD_SCAN_BATCH": 1,  # every scan written at once, so tests can read it back
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        # Fixed keys: every test app shares one database per backend (see core/crypto.py).
        "DATA_KEY": TEST_DATA_KEY,
        "INDEX_KEY": TEST_INDEX_KEY,
        # Tests share a database, so one that leaves rows under another key must not stop the
        # next app from starting; tests/core/test_crypto.py turns the check on where it tests it.
        "CHECK_KEYS_AT_START": False,
        **overrides,
    }
    app = create_app(config, instance_path=instance)

    @app.before_request
    def _forget_previous_request():
        # The fixture keeps one app context open for the whole test so factories and
        # requests share a session; that would also carry ``g`` from one request to the
        # next, which a real server never does.
        for key in ("acting_user", "_login_user", "button_form", "unread_notifications"):
            g.pop(key, None)

    return app


def _empty_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        # One connection: the pragma is per connection and works only outside a transaction.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in tables:
                connection.exec_driver_sql(f"DELETE FROM {name}")
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    db.session.commit()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        if database_url not in _schema_ready:
            db.drop_all()
            db.create_all()
            _schema_ready.add(database_url)
        _empty_tables()
        seed_reference()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    def make(role: str = "org", **kwargs):
        return factories.UserFactory(role=role, **kwargs)

    return make


class Auth:
    """Sign a test client in as a user of some role."""

    def __init__(self, client, make_user):
        self.client = client
        self.make_user = make_user

    def login_as(self, role: str | None, **kwargs):
        if role is None:
            return None
        user = self.make_user(role, **kwargs)
        db.session.commit()
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    def login(self, username: str, password: str = TEST_PASSWORD, follow=False):
        return self.client.post("/login", data={"username": username, "password": password},
                                follow_redirects=follow)


@pytest.fixture
def auth(client, make_user):
    return Auth(client, make_user)


@pytest.fixture
def api_token(client, make_user):
    """A Bearer header for a fresh user of the given role, obtained through the token endpoint."""

    def token_for(role: str, **kwargs) -> dict:
        user = make_user(role, **kwargs)
        db.session.commit()
        response = client.post("/api/v1/auth/token",
                               json={"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return token_for


@pytest.fixture
def freeze_today(monkeypatch):
    """Make the county's calendar say a given day, for everything that asks ``timeutil.today()``."""

    def freeze(day) -> None:
        monkeypatch.setattr(timeutil, "today", lambda: day)

    return freeze
