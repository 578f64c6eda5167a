"""Two clerks on the same version at the same moment: one wins, the other is told to refresh.

Each thread has its own app context, so its own session and connection; both load the request
and pass the version check before either writes (a barrier), then the database decides.
"""
import threading

from sqlalchemy import func, select

from talent.extensions import db
from talent.services import operations as services
from talent.services.models import ServiceEvent, ServiceRequest
from tests.services.conftest import file_housing


def test_two_clerks_accept_at_once_one_wins(app, people, today):
    req = file_housing(people)
    db.session.commit()
    request_id, version = req.id, req.version
    clerks = [people.zjj.id, people.zjj2.id]
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def clerk(user_id: int, move: str) -> None:
        with app.app_context():
            from talent.auth.models import User

            user = db.session.get(User, user_id)
            mine = db.session.get(ServiceRequest, request_id)
            barrier.wait(timeout=10)
            try:
                services.transition(user, mine, move, "同时操作" if move != "accept" else "", version)
                db.session.commit()
                results[user_id] = "won"
            except services.StaleVersion as error:
                db.session.rollback()
                results[user_id] = error.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(clerks[0], "accept")),
               threading.Thread(target=clerk, args=(clerks[1], "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["won", "已被他人处理，请刷新"]
    db.session.expire_all()
    final = db.session.get(ServiceRequest, request_id)
    assert final.version == version + 1
    assert final.status in ("accepted", "rejected")
    moves = db.session.scalars(select(ServiceEvent.move).where(ServiceEvent.request_id == request_id)).all()
    assert sorted(moves) == sorted(["file", "accept" if final.status == "accepted" else "reject"])
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 1
