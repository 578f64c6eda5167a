"""Walk every route for every role: the declared permission is what the server enforces.

Each case starts from the same records it always did — seeded reference data, a fresh user of
the role (signed in, or holding an API token for ``/api/`` routes) and every feature's example
records from ``tests/<feature>/routes.py`` — but they are built once per (role, web or API) and
saved as a SQLite file plus the instance folder; every case restores that copy before its one
request, so no case sees what another case's request changed, in whatever order they run.
"""
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from talent.core import ratelimit
from talent.core.permissions import Permission, Role, role_can
from talent.extensions import db
from talent.reference import seed_reference
from tests import factories
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD
from tests.routes import example_ids

ROLES = [None, *[r.value for r in Role]]


def _routes():
    app = make_app("sqlite://")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            permission = app.view_functions[rule.endpoint].required_permission
            yield pytest.param(rule.rule, method, permission, id=f"{method} {rule.rule}")


ROUTES = list(_routes())


@pytest.fixture(scope="session")
def db_backend():
    return "sqlite"  # permissions do not depend on the engine


def test_every_route_declares_a_permission(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"
                  and not hasattr(app.view_functions[rule.endpoint], "required_permission")]
    assert undeclared == []


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), path)


class Walk:
    """One app on a SQLite file; saved states of its database and instance folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.database = folder / "walk.sqlite"
        self.app = make_app(f"sqlite:///{self.database}")
        self.instance = Path(self.app.instance_path)
        self.worlds: dict = {}
        with self.app.app_context():
            db.create_all()
            seed_reference()
            db.session.commit()
            self.seeded = self._save("seeded")

    def _save(self, name: str) -> tuple[Path, Path]:
        """Copy the database (through SQLite's backup, WAL included) and the instance folder."""
        db.session.remove()
        db.engine.dispose()
        saved = self.folder / f"{name}.sqlite"
        source, target = sqlite3.connect(self.database), sqlite3.connect(saved)
        with target:
            source.backup(target)
        source.close()
        target.close()
        files = self.folder / f"{name}-instance"
        shutil.copytree(self.instance, files)
        return saved, files

    def _restore(self, saved: tuple[Path, Path]) -> None:
        database, files = saved
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(database, self.database)
        shutil.rmtree(self.instance)
        shutil.copytree(files, self.instance)
        # A fresh app would start with empty rate-limit counters (sign-in back-off, QR checks).
        self.app.extensions[ratelimit.EXTENSION].reset()

    def _build(self, role: str | None, api: bool) -> dict:
        """What the walk's fixtures did for every case: the user of the role, then the ids."""
        self._restore(self.seeded)
        client = self.app.test_client()
        world = {"headers": {}, "user_id": None}
        with self.app.app_context():
            user = None
            if role is not None:
                user = factories.UserFactory(role=role)
                db.session.commit()
                if api:
                    response = client.post("/api/v1/auth/token",
                                           json={"username": user.username, "password": TEST_PASSWORD})
                    assert response.status_code == 200, response.get_json()
                    world["headers"] = {"Authorization": f"Bearer {response.get_json()['token']}"}
                else:
                    world["user_id"] = user.get_id()
            world["ids"] = example_ids(user, role)
            db.session.commit()
            world["saved"] = self._save(f"{role or 'anonymous'}-{'api' if api else 'web'}")
        return world

    def request(self, role: str | None, api: bool, path: str, method: str):
        key = (role, api)
        if key not in self.worlds:
            self.worlds[key] = self._build(role, api)
        world = self.worlds[key]
        self._restore(world["saved"])
        client = self.app.test_client()
        if world["user_id"] is not None:
            with client.session_transaction() as session:
                session["_user_id"] = world["user_id"]
                session["_fresh"] = True
        # As the ``app`` fixture does: one app context around the request, as factories share.
        with self.app.app_context():
            try:
                return client.open(_fill(path, world["ids"]), method=method, headers=world["headers"],
                                   json={} if api and method != "GET" else None)
            finally:
                db.session.remove()


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    walk = Walk(tmp_path_factory.mktemp("walk"))
    yield walk
    with walk.app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("path", "method", "permission"), ROUTES)
def test_route_answers_each_role(walk, role, path, method, permission):
    is_api = path.startswith("/api/")
    response = walk.request(role, is_api, path, method)
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:500]
    if permission is Permission.PUBLIC:
        assert status not in (401, 403)
    elif role is None:
        if is_api:
            assert status == 401
        else:
            assert status == 302 and "/login" in response.headers["Location"]
    elif role_can(role, permission):
        assert status not in (401, 403)
    else:
        assert status == 403


def test_ids_too_large_for_the_database_are_404(client, auth, api_token):
    huge = 2**70
    headers = api_token("org")
    assert client.get(f"/api/v1/cards/{huge}/qr.png", headers=headers).status_code == 404
    assert client.get(f"/api/v1/talents/{huge}", headers=headers).status_code == 404
    auth.login_as("org")
    assert client.get(f"/talents/{huge}").status_code == 404
    assert client.get("/talents?page=949951193367").status_code == 200
