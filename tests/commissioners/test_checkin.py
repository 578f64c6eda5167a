"""服务打卡: a log's position, compared with the target's registered place for the clerk; the
round decides whether its commissioners are asked for it."""
import pytest

from talent.commissioners.models import ServiceLog, distance_m
from talent.core.timeutil import today
from talent.extensions import db
from tests.commissioners.world import commissioner_user, login_session, make_world

# 双牌县城 (泷泊镇) and a point ~1.2 km north-east of it.
TOWN = (25.9614, 111.6594)
NEARBY = (25.9700, 111.6670)


def test_distance_is_the_great_circle(app):
    assert distance_m(*TOWN, *TOWN) == 0
    assert 1150 < distance_m(*TOWN, *NEARBY) < 1250
    # One degree of latitude is about 111.2 km.
    assert abs(distance_m(0, 0, 1, 0) - 111_195) < 50


def test_api_position_round_trip_and_the_clerks_line(client, api_token, auth):
    world = make_world()
    world.target.lat, world.target.lng = TOWN
    user = commissioner_user(world.commissioner)
    db.session.commit()
    from tests.commissioners.test_api import _token_for

    headers = _token_for(client, user)
    body = {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "guidance", "content": "打卡测试", "hours": 2,
            "position": {"lat": NEARBY[0], "lng": NEARBY[1], "accuracy_m": 18.4}}
    created = client.post("/api/v1/service-logs", headers=headers, json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["position"] == {"lat": NEARBY[0], "lng": NEARBY[1], "accuracy_m": 18.4}
    log = db.session.get(ServiceLog, created.get_json()["id"])
    assert log.distance_text == "距服务对象登记位置约 1.2 km"
    auth.login_as("unit")
    page = client.get(f"/commissioners/logs/{log.id}").get_data(as_text=True)
    assert "距服务对象登记位置约 1.2 km" in page and "定位精度约 18 米" in page


@pytest.mark.parametrize("position", [{"lat": 91, "lng": 0}, {"lat": 0, "lng": 181},
                                      {"lat": 0}, "25,111", {"lat": 0, "lng": 0, "accuracy_m": -1}])
def test_bad_positions_are_refused(client, position):
    world = make_world()
    user = commissioner_user(world.commissioner)
    from tests.commissioners.test_api import _token_for

    response = client.post("/api/v1/service-logs", headers=_token_for(client, user), json={
        "assignment_id": world.assignment.id, "served_on": today().isoformat(),
        "kind": "guidance", "content": "x", "hours": 1, "position": position})
    assert response.status_code == 422


def test_the_round_decides_whether_the_form_asks(client):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    assert "checkin-button" not in client.get("/field/log").get_data(as_text=True)
    world.round.checkin = True
    db.session.commit()
    page = client.get("/field/log").get_data(as_text=True)
    assert "checkin-button" in page and "服务打卡" in page
    form = {"assignment_id": world.assignment.id, "served_on": today().isoformat(),
            "kind": "guidance", "content": "现场打卡", "hours": "2", "trained_count": "0",
            "lat": str(NEARBY[0]), "lng": str(NEARBY[1]), "accuracy_m": "25", "client_key": "ck-1"}
    client.post("/field/log", data=form)
    log = db.session.scalar(db.select(ServiceLog).where(ServiceLog.client_key == "ck-1"))
    assert (log.lat, log.lng, log.accuracy_m) == (NEARBY[0], NEARBY[1], 25)
    assert log.distance_text is None  # the target has no registered place yet
