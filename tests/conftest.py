"""Fixtures: an app per test on SQLite and on PostgreSQL, users per role, a signed-in client."""
import os
import sqlite3
import tempfile
from datetime import datetime

import pytest
import time_machine
from flask import g
from jinja2 import BytecodeCache
from sqlalchemy import text
from sqlalchemy.engine import make_url

from talent import create_app
from talent.cards.verification import scan_log
from talent.core import timeutil
from talent.extensions import db
from talent.reference import seed_reference
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.pg import ThrowawayPostgres, find_bindir

BACKENDS = ["sqlite", "postgresql"]


def _sleep_without_clock_nanosleep() -> None:
    """Under Debian's libfaketime with FAKETIME_DONT_FAKE_MONOTONIC=1 (``make test-future``),
    ``time.sleep`` fails with EINVAL: Python 3.11 sleeps with ``clock_nanosleep(CLOCK_MONOTONIC,
    TIMER_ABSTIME)``, and libfaketime 0.9.10 hands the call a deadline shifted by the faked offset.
    Sleeping in ``select`` against the (real) monotonic clock waits the same time; only the
    tests sleep (the product never does), so only the tests' process gets this."""
    import select
    import time

    if "faketime" not in os.environ.get("LD_PRELOAD", ""):
        return

    def sleep(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = sleep


_sleep_without_clock_nanosleep()


def _cache_url_rules() -> None:
    """Every test builds an app, and most of ``create_app``'s time (~0.1 s of ~0.12 s) went to
    Werkzeug compiling each of the ~200 rules' two URL builders from an AST. A builder depends
    only on the rule's text, its parsed parts and its defaults' names (converters are looked up
    on the rule when it runs), so the tests build each one once and bind it to every later app's
    rule. Rules whose defaults fill a URL variable (turned into a constant with the converter)
    are compiled as before."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "cached", False):
        return
    builders: dict = {}

    def cached_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(dynamic and data in defaults for dynamic, data in self._trace):
            return compile_builder(self, append_unknown)
        key = (append_unknown, self.rule, tuple(self._trace), tuple(str(k) for k in defaults))
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    cached_builder.cached = True
    Rule._compile_builder = cached_builder

    # Parsing a rule's text into its matching parts is the other half: kept per rule text and
    # converter classes; a later rule gets the same (read-only) parts and trace, and its own
    # converter objects, made from the arguments recorded while parsing.
    parse_rule = Rule._parse_rule
    parsed: dict = {}

    def cached_parse(self, rule: str):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            calls: list = []
            get_converter = self.get_converter

            def recording(variable, converter, args, kwargs):
                calls.append((variable, converter, args, kwargs))
                return get_converter(variable, converter, args, kwargs)

            traced = len(self._trace)
            self.get_converter = recording
            try:
                parts = list(parse_rule(self, rule))
            finally:
                del self.get_converter
            parsed[key] = (parts, self._trace[traced:], calls)
            return parts
        parts, trace, calls = parsed[key]
        for variable, converter, args, kwargs in calls:
            self._converters[variable] = self.get_converter(variable, converter, args, kwargs)
            self.arguments.add(variable)
        self._trace.extend(trace)
        return list(parts)

    Rule._parse_rule = cached_parse


_cache_url_rules()


class _SharedBytecode(BytecodeCache):
    """Jinja compiles every template again for every new app (one per test), ~40 ms a page:
    the tests' apps, all configured alike, share the compiled code in memory instead (keyed
    by template name and checked against the source's checksum, as Jinja's own caches are)."""

    def __init__(self):
        self.store: dict = {}

    def load_bytecode(self, bucket) -> None:
        checksum, code = self.store.get(bucket.key, (None, None))
        if code is not None and checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = (bucket.checksum, bucket.code)


_BYTECODE = _SharedBytecode()


_SHARED_DATABASES: set[str] = set()  # the session's test databases (see ``database_url``)


def _share_engines() -> None:
    """One SQLAlchemy engine per test database and options for all the tests' apps on it,
    instead of a new one per test: SQLAlchemy keeps its compiled-statement cache on the engine
    (its keys hold the engine's dialect), so with a new engine per test every statement was
    compiled again in every test (~12 % of the tests' CPU). Each test still ends with ``db.engine.dispose()``,
    so no connection outlives its test. Other databases (migrations, the browser tests' live
    app, the permission walk) get their own engines as before."""
    from flask_sqlalchemy import SQLAlchemy

    make_engine = SQLAlchemy._make_engine
    if getattr(make_engine, "shared", False):
        return
    engines: dict = {}

    def shared_engine(self, bind_key, options, app):
        url = make_url(options["url"]).render_as_string(hide_password=False)
        if url not in _SHARED_DATABASES:
            return make_engine(self, bind_key, options, app)
        key = (bind_key, repr(sorted(options.items(), key=lambda item: item[0])))
        if key not in engines:
            engines[key] = make_engine(self, bind_key, options, app)
        return engines[key]

    shared_engine.shared = True
    SQLAlchemy._make_engine = shared_engine


_share_engines()


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
    url = request.getfixturevalue(f"{db_backend}_url")
    _SHARED_DATABASES.add(make_url(url).render_as_string(hide_password=False))
    return url


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
    app.jinja_env.bytecode_cache = _BYTECODE

    def _forget_previous_request():
        # The fixture keeps one app context open for the whole test so factories and
        # requests share a session; that would also carry ``g`` from one request to the
        # next, which a real server never does.
        for key in ("acting_user", "_login_user", "button_form", "unread_notifications"):
            g.pop(key, None)

    # First of all hooks: the input boundary's may refuse the request before later ones run.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)

    return app


_seeded: dict[str, list[str]] = {}  # database url -> the tables seed_reference fills


def _quoted(name: str) -> str:
    return f'"{name}"'


def _save_seeded(database_url: str) -> None:
    """Keep a copy of the freshly seeded database: on SQLite a file beside it, on PostgreSQL a
    ``test_seed`` schema with the seeded tables and the sequences' positions."""
    tables = [t.name for t in db.metadata.sorted_tables
              if db.session.execute(db.select(t).limit(1)).first() is not None]
    db.session.commit()
    _seeded[database_url] = tables
    if db.engine.dialect.name == "postgresql":
        statements = ["DROP SCHEMA IF EXISTS test_seed CASCADE", "CREATE SCHEMA test_seed"]
        statements += [f"CREATE TABLE test_seed.{_quoted(t)} AS TABLE public.{_quoted(t)}" for t in tables]
        for statement in statements:
            db.session.execute(text(statement))
        sequences = db.session.execute(text(
            "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = 'public'"))
        _sequences[database_url] = [
            f"SELECT setval('public.{_quoted(name)}', {last}, true)" if last is not None
            else f"SELECT setval('public.{_quoted(name)}', {start}, false)"
            for name, last, start in sequences]
        db.session.commit()
    else:
        db.session.remove()
        db.engine.dispose()
        source = sqlite3.connect(db.engine.url.database)
        target = sqlite3.connect(f"{db.engine.url.database}.seed")
        with target:
            source.backup(target)
        source.close()
        target.close()


_sequences: dict[str, list[str]] = {}


def _restore_seeded(database_url: str) -> None:
    """Put the database back to what ``seed_reference`` left in it, in one round trip: every
    table emptied, the seeded rows copied back, and on PostgreSQL every sequence where seeding
    left it (as TRUNCATE … RESTART IDENTITY followed by seeding did, at a fraction of the cost:
    TRUNCATE of 45 tables took ~0.23 s and seeding ~0.1 s per test)."""
    everything = [t.name for t in reversed(db.metadata.sorted_tables)]
    seeded = _seeded[database_url]
    raw = db.engine.raw_connection()
    try:
        if db.engine.dialect.name == "postgresql":
            # SET LOCAL: the triggers (audit_entries is append-only) are off for this
            # transaction only, also should it fail halfway.
            script = ["SET LOCAL session_replication_role = replica"]
            script += [f"DELETE FROM public.{_quoted(t)}" for t in everything]
            script += [f"INSERT INTO public.{_quoted(t)} SELECT * FROM test_seed.{_quoted(t)}"
                       for t in seeded]
            script += _sequences[database_url]
            with raw.cursor() as cursor:
                cursor.execute(";\n".join(script))
            raw.commit()
        else:
            # The raw driver connection (autocommit, see talent.extensions): the pragma works
            # only outside a transaction and ATTACH only outside one.
            connection = raw.driver_connection
            script = ["PRAGMA foreign_keys=OFF",
                      f"ATTACH DATABASE '{db.engine.url.database}.seed' AS seed", "BEGIN IMMEDIATE"]
            script += [f"DELETE FROM main.{_quoted(t)}" for t in everything]
            script += [f"INSERT INTO main.{_quoted(t)} SELECT * FROM seed.{_quoted(t)}" for t in seeded]
            script += ["COMMIT", "DETACH DATABASE seed", "PRAGMA foreign_keys=ON"]
            connection.executescript(";\n".join(script) + ";")
    finally:
        raw.close()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        if database_url not in _seeded:
            db.drop_all()
            db.create_all()
            seed_reference()
            db.session.commit()
            _save_seeded(database_url)
        else:
            _restore_seeded(database_url)
        yield app
        # Scans this test's verifications left pending name its cards: never the next test's.
        scan_log.discard()
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


@pytest.fixture
def clock():
    """Freeze the wall clock itself (``datetime.now``, ``time.time``; not the monotonic clock, so
    timed waits still work) at a moment in 双牌: ``clock(date(2027, 1, 4))`` is 10:00 that day,
    a naive datetime is read as 双牌 time. Everything that asks ``timeutil`` follows."""
    travellers: list = []

    def freeze(moment, tick: bool = False) -> None:
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day, 10, 0)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timeutil.CHINA)
        traveller = time_machine.travel(moment, tick=tick)
        traveller.start()
        travellers.append(traveller)

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()


def pytest_collection_modifyitems(config, items):
    """The running deployment (tests/deploy/test_live.py) is ``make test-deploy``'s own run."""
    if os.environ.get("TALENT_DEPLOY_TEST") == "1":
        return
    skip = pytest.mark.skip(reason="make test-deploy runs the deployment test (TALENT_DEPLOY_TEST=1)")
    for item in items:
        if "deploy" in item.keywords and item.get_closest_marker("deploy"):
            item.add_marker(skip)
