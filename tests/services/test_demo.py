"""The demo data shows the module: every type, several states, overdue, waiting, rated, queues."""
from sqlalchemy import select

from talent.auth.models import User
from talent.auth.units import unit_named
from talent.extensions import db
from talent.services import operations as services
from talent.services.models import ServiceRequest


def test_demo_requests(runner):
    assert runner.invoke(args=["demo", "--count", "20"]).exit_code == 0
    requests = list(db.session.scalars(select(ServiceRequest)))
    assert {r.type.code for r in requests} == {code for code, *_ in services.DEFAULT_TYPES}
    statuses = {r.status for r in requests}
    assert {"submitted", "in_progress", "waiting_materials", "completed", "rejected"} <= statuses
    assert any(r.overdue_since is not None for r in requests)
    assert any(r.rating for r in requests)
    accounts = {u.username: u for u in db.session.scalars(select(User))}
    assert len([r for r in requests if r.talent_id == accounts["rencai"].talent_id]) >= 3
    # Every unit the demo's requests go to has a clerk to handle them (县教育局, 县人社局 too).
    handled = {u.unit_id for u in accounts.values() if u.role == "unit"} | {unit_named("县委组织部").id}
    assert {r.unit_id for r in requests} <= handled
    for clerk in ("zjj", "wjj", "jyj", "rsj"):
        assert services.queue_counts(accounts[clerk])["open"] >= 1, clerk
    assert any(e.move == "transfer" for r in requests for e in services.timeline(r, include_internal=True))
