"""The server's side of the offline field pages: which answers a phone may keep and for whom,
the script's JSON save (time-limited on the phone), and sign-out clearing the browser."""
from sqlalchemy import func, select

from talent.commissioners.models import ServiceLog
from talent.core.timeutil import today
from talent.extensions import db
from tests.commissioners.world import commissioner_user, login_session, make_world

FIELD_PAGES = ("/field", "/field/log", "/field/logs", "/field/year")



def _form(world, **extra):
    return {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "guidance", "content": "第一行：现场指导修剪\n第二行：疏果", "hours": "3",
            "trained_count": "0", "technologies": "水肥一体化", "location": "江村镇",
            "client_key": "script-key-1", **extra}


def test_field_pages_may_be_kept_by_their_owner_only(client, app):
    world = make_world()
    first = commissioner_user(world.commissioner)
    second = commissioner_user(world.other)
    login_session(client, first)
    owners = set()
    for path in FIELD_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-cache", path
        owners.add(response.headers["X-Offline-Owner"])
        assert "内容更新于" in response.get_data(as_text=True)
    assert len(owners) == 1
    # A page the phone must not keep stays no-store, even for the same commissioner.
    for path in (f"/field/logs/{world.log.id}/edit", "/field/logs?page=2", "/field/year?year=2020",
                 "/field/log?assignment_id=1", "/notifications"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    login_session(client, second)
    other_owner = client.get("/field").headers["X-Offline-Owner"]
    assert other_owner not in owners and len(other_owner) == 24


def test_staff_pages_and_redirects_stay_no_store(client, auth):
    auth.login_as("unit")
    assert client.get("/commissioners/logs").headers["Cache-Control"] == "no-store"
    response = client.get("/field")  # not a commissioner: refused, and not kept
    assert response.status_code == 403 and response.headers["Cache-Control"] == "no-store"
    assert "X-Offline-Owner" not in response.headers


def test_service_worker_may_serve_the_whole_site(client):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    response = client.get("/field/sw.js")
    body = response.get_data(as_text=True)
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.mimetype == "text/javascript"
    assert '"/field", "/field/log", "/field/logs", "/field/year"' in body
    assert 'includes("no-store")' in body


def test_sign_out_clears_the_browser(client, auth):
    auth.login_as("commissioner")
    response = client.post("/logout", data={})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_script_save_answers_json_once_per_client_key(client, app):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    headers = {"X-Field-Save": "queued", "Accept": "application/json"}
    first = client.post("/field/log", data=_form(world), headers=headers)
    assert first.status_code == 200 and first.json["ok"] is True
    again = client.post("/field/log", data=_form(world), headers=headers)
    assert again.json["id"] == first.json["id"]
    log = db.session.get(ServiceLog, first.json["id"])
    assert log.content == "第一行：现场指导修剪\n第二行：疏果"  # 服务内容 keeps its lines
    assert db.session.scalar(select(func.count()).select_from(ServiceLog)
                             .where(ServiceLog.client_key == "script-key-1")) == 1
    # A queued upload leaves no message behind; one the commissioner waits for does.
    with client.session_transaction() as session:
        assert not session.get("_flashes")
    now = client.post("/field/log", data=_form(world, client_key="script-key-2"),
                      headers={**headers, "X-Field-Save": "now"})
    assert now.json["next"] == "/field/logs"
    with client.session_transaction() as session:
        assert "已记录" in session["_flashes"][0][1]


def test_script_save_refused_says_why_in_chinese(client):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    response = client.post("/field/log", data=_form(world, content="", hours="30"),
                           headers={"X-Field-Save": "queued"})
    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert "服务内容：请填写服务内容" in message and "服务时长" in message
    assert db.session.scalar(select(func.count()).select_from(ServiceLog)
                             .where(ServiceLog.client_key == "script-key-1")) == 0
