"""The served target rates a service through the log's signed link: what the page shows, one
answer per log, expiry, the rate limit, and attacks (other logs' links, forged and guessed
tokens, reuse)."""
import secrets
from datetime import datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from talent.commissioners import operations
from talent.commissioners.models import TargetRating
from talent.core.audit import AuditEntry
from talent.core.permissions import Permission
from talent.core.timeutil import utcnow
from talent.extensions import db
from tests.commissioners.world import commissioner_user, login_session, make_world

ANSWER = {"happened": "y", "score": "4", "comment": "讲得清楚，管用"}


@pytest.fixture
def rating_app(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _ratings() -> int:
    return db.session.scalar(select(func.count()).select_from(TargetRating)) or 0


def test_public_page_shows_the_service_and_nothing_personal(client, rating_app):
    world = make_world()
    commissioner = world.commissioner
    token = operations.make_token(world.log)
    db.session.commit()
    page = client.get(f"/rate/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (str(world.log.served_on), "技术指导", world.target.name, commissioner.name):
        assert shown in text
    for hidden in (commissioner.phone, commissioner.employer, commissioner.id_number[-6:],
                   world.log.content, world.target.phone, "退出"):
        assert hidden not in text, hidden


def test_one_answer_per_log_then_shown_everywhere(client, rating_app, auth):
    world = make_world()
    token = operations.make_token(world.log)
    db.session.commit()
    done = client.post(f"/rate/{token}", data=ANSWER, follow_redirects=True)
    assert "感谢您的评价" in done.get_data(as_text=True)
    again = client.post(f"/rate/{token}", data={**ANSWER, "score": "1"}, follow_redirects=True)
    assert "已评价：4 分" in again.get_data(as_text=True)
    fresh = operations.make_token(world.log)  # a new link for the same log: still one answer
    client.post(f"/rate/{fresh}", data={**ANSWER, "score": "2"})
    assert _ratings() == 1
    with pytest.raises(operations.Conflict):
        operations.rate(world.log, 5, "")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "rate", AuditEntry.object_id == world.log.id)) == 1

    auth.login_as("unit")
    assert "4 分 · 讲得清楚，管用" in client.get(f"/commissioners/logs/{world.log.id}").get_data(
        as_text=True)
    listing = client.get(f"/commissioners/logs?commissioner_id={world.commissioner.id}")
    assert "4 分" in listing.get_data(as_text=True)
    operations.confirm_log(None, world.log)
    db.session.commit()
    figures = operations.year_figures(world.log.served_on.year, [world.commissioner.id])
    assert figures[world.commissioner.id].rating_average == 4.0
    assert "4.0 分（1 条）" in client.get(
        f"/commissioners/assessments?year={world.log.served_on.year}").get_data(as_text=True)


def test_api_log_carries_the_target_rating(client, rating_app, api_token):
    world = make_world()
    operations.rate(world.log, 5, "很好")
    db.session.commit()
    body = client.get(f"/api/v1/service-logs/{world.log.id}", headers=api_token("unit")).get_json()
    assert body["target_rating"]["score"] == 5 and body["target_rating"]["comment"] == "很好"
    assert body["target_rating"]["confirmed_at"].endswith("Z")


def test_answer_must_confirm_and_score(client, rating_app):
    world = make_world()
    token = operations.make_token(world.log)
    db.session.commit()
    for bad in ({"score": "4"}, {"happened": "y"}, {"happened": "y", "score": "9"},
                {"happened": "y", "score": "x"}, {"happened": "y", "score": "3", "comment": "长" * 501}):
        response = client.post(f"/rate/{token}", data=bad)
        assert response.status_code == 200 and "提交评价" in response.get_data(as_text=True), bad
    assert _ratings() == 0


def test_link_expires_after_seven_days(client, rating_app, clock):
    clock(datetime(2027, 3, 1, 9, 0))
    world = make_world()
    token = operations.make_token(world.log)
    db.session.commit()
    clock(datetime(2027, 3, 8, 8, 59))
    assert client.get(f"/rate/{token}").status_code == 200
    clock(datetime(2027, 3, 8, 9, 1))
    expired = client.get(f"/rate/{token}")
    assert expired.status_code == 410 and "已过期" in expired.get_data(as_text=True)
    assert client.post(f"/rate/{token}", data=ANSWER).status_code == 410
    assert _ratings() == 0


def test_forged_guessed_and_other_salt_tokens_are_refused(client, rating_app, app):
    world = make_world()
    good = operations.make_token(world.log)
    db.session.commit()
    _payload, _dot, signature = good.rpartition(".")
    unsigned = URLSafeSerializer("not-the-key", salt=operations.rating.TOKEN_SALT)
    made = int((utcnow() - datetime(1970, 1, 1)).total_seconds())
    other = unsigned.dumps({"l": world.other_log.id, "t": made})
    attempts = [
        other.rpartition(".")[0] + "." + signature,  # another log's id under this log's signature
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered signature
        unsigned.dumps({"l": world.other_log.id, "t": made}),  # another log, wrong key
        URLSafeSerializer(app.secret_key, salt="lbyc-card-verify").dumps(
            {"l": world.other_log.id, "t": made}),  # right key, another feature's salt
        secrets.token_urlsafe(32), "1", "x" * 199,
    ]
    for attempt in attempts:
        response = client.get(f"/rate/{attempt}")
        assert response.status_code == 410 and "无效" in response.get_data(as_text=True), attempt
        assert client.post(f"/rate/{attempt}", data=ANSWER).status_code == 410
    assert client.get(f"/rate/{'x' * 300}").status_code == 404
    # A link made for one log rates that log only.
    client.post(f"/rate/{good}", data=ANSWER)
    assert db.session.scalar(select(TargetRating.log_id)) == world.log.id
    assert world.other_log.rating is None


def test_a_link_from_the_future_is_refused(client, rating_app, clock):
    clock(datetime(2027, 5, 1, 9, 0))
    world = make_world()
    token = operations.make_token(world.log)
    db.session.commit()
    clock(datetime(2027, 5, 1, 8, 0))
    assert client.get(f"/rate/{token}").status_code == 410


def test_rate_limited_per_client(client, rating_app):
    rating_app.config["LOG_RATING_LIMIT"] = 3
    world = make_world()
    token = operations.make_token(world.log)
    db.session.commit()
    statuses = [client.get(f"/rate/{token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    guesses = [client.get(f"/rate/{secrets.token_urlsafe(20)}").status_code for _ in range(3)]
    assert guesses == [429, 429, 429]


def test_commissioner_shows_the_qr_of_own_logs_only(client, app):
    world = make_world()
    login_session(client, commissioner_user(world.commissioner))
    page = client.get(f"/field/logs/{world.log.id}/edit").get_data(as_text=True)
    assert "服务对象评价" in page and f"/field/logs/{world.log.id}/rating-qr.png" in page
    assert "/rate/" in page
    qr = client.get(f"/field/logs/{world.log.id}/rating-qr.png")
    assert qr.status_code == 200 and qr.data.startswith(b"\x89PNG")
    assert client.get(f"/field/logs/{world.other_log.id}/rating-qr.png").status_code == 404
    operations.rate(world.log, 3, "")
    db.session.commit()
    assert client.get(f"/field/logs/{world.log.id}/rating-qr.png").status_code == 404
    assert "3 分" in client.get(f"/field/logs/{world.log.id}/edit").get_data(as_text=True)


def test_rating_page_is_public_in_the_permission_walk():
    from tests.core.test_permissions import ROUTES

    public = {(p.values[0], p.values[1]) for p in ROUTES if p.values[2] is Permission.PUBLIC}
    assert {("/rate/<rating_token>", "GET"), ("/rate/<rating_token>", "POST")} <= public


def test_link_lifetime_is_seven_days(app):
    world = make_world()
    token = operations.make_token(world.log)
    made = operations.link_expires(token) - timedelta(days=7)
    assert abs((utcnow() - made).total_seconds()) < 5
