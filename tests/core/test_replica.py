"""DATABASE_REPLICA_URL against a real streaming replica (``pg_basebackup -R`` from the throwaway
primary): marked pages read the replica and say how old their figures are when it lags; exports
then read the primary; a user's own writes are always visible to that user; writes made inside a
marked request go to the primary; an unreachable replica is skipped."""
import re
import time
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.reference import seed_reference
from talent.registry.models import Talent
from tests.conftest import make_app, required_by_ci
from tests.factories import TalentFactory, UserFactory
from tests.pg import ThrowawayPostgres, ThrowawayReplica, find_bindir
from tests.redis_server import free_port

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pair():
    bindir = find_bindir()
    if bindir is None:
        if required_by_ci("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but no PostgreSQL server binaries were found")
        pytest.skip("PostgreSQL server binaries not installed")
    # No autovacuum: its WAL, arriving at any moment, would make the replica briefly "behind"
    # where the test expects it in step (the threshold here is 0 s).
    primary = ThrowawayPostgres(bindir, options="-c autovacuum=off")
    primary_url = primary.start()
    replica = ThrowawayReplica(primary)
    try:
        schema = make_app(primary_url)
        in_app(schema, lambda: (db.create_all(), seed_reference()))  # copied by the base backup
        with schema.app_context():
            db.engine.dispose()
        replica_url = replica.start()
        yield primary_url, replica_url, replica
    finally:
        try:
            replica.stop()
        finally:
            primary.stop()


def wait_until_caught_up(replica) -> None:
    deadline = time.monotonic() + 30
    while not replica.caught_up():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def wait_until_received(replica) -> None:
    """Replay is paused; the primary's latest WAL has reached the replica (not yet applied)."""
    deadline = time.monotonic() + 30
    while not replica.caught_up(received=True):
        assert time.monotonic() < deadline, "the replica did not receive the primary's WAL"
        time.sleep(0.05)


def active_on_dashboard(client) -> tuple[int, bool]:
    html = client.get("/").get_data(as_text=True)
    count = re.search(r"在县人才</div>\s*<div class=\"display-6\">(\d+)", html)
    assert count, re.findall(r"alert-[a-z]+[^>]*>([^<]*)", client.get("/").get_data(as_text=True))
    return int(count.group(1)), "数据截至" in html


def sign_in(client, user_id: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def exported_rows(client) -> int:
    response = client.get("/talents/export.xlsx")
    assert response.status_code == 200
    return load_workbook(BytesIO(response.data)).active.max_row - 1


def in_app(app, work):
    """Run ``work`` in an app context of its own and commit: the requests below run outside
    it, each with its own session, as on a real server (a shared session would carry objects
    loaded from the replica into the next request)."""
    with app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
        return result


def test_marked_pages_read_the_replica_and_users_read_their_own_writes(pair):
    primary_url, replica_url, replica = pair
    app = make_app(primary_url, DATABASE_REPLICA_URL=replica_url, REPLICA_LAG_NOTICE_SECONDS=0)

    def setup():
        users = UserFactory(role="org"), UserFactory(role="org")
        talent = TalentFactory.create_batch(3)[0]
        db.session.flush()
        return [u.get_id() for u in users], talent.id

    (reader, writer), talent_id = in_app(app, setup)
    wait_until_caught_up(replica)
    alice, bob, carol = app.test_client(), app.test_client(), app.test_client()
    for client, user in ((alice, reader), (bob, writer), (carol, reader)):
        sign_in(client, user)  # carol exports: an export's audit entry is a write of hers

    # In step: the figures, no notice; an export reads the replica and writes its audit entry
    # to the primary (the replica would refuse it: a read-only transaction).
    assert active_on_dashboard(alice) == (3, False)
    assert exported_rows(carol) == 3
    assert in_app(app, lambda: db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export"))) == 1

    # Replay paused: the replica holds the old figures and the page says how old they are.
    replica.pause()
    in_app(app, lambda: TalentFactory.create_batch(4))
    wait_until_received(replica)
    assert active_on_dashboard(alice) == (3, True)
    # An export has nowhere to say so: it reads the primary.
    assert exported_rows(carol) == 7
    # Behind by less than the threshold: the replica's figures, without a notice.
    patient = make_app(primary_url, DATABASE_REPLICA_URL=replica_url, REPLICA_LAG_NOTICE_SECONDS=3600)
    dave = patient.test_client()
    sign_in(dave, reader)
    assert active_on_dashboard(dave) == (3, False)

    # Bob writes (marks a talent as left): his own pages read the primary from then on.
    left = bob.post(f"/talents/{talent_id}/leave")
    assert left.status_code == 302 and f"/talents/{talent_id}" in left.location, \
        bob.get(left.location).get_data(as_text=True)[-5000:]
    assert active_on_dashboard(bob) == (6, False)
    assert active_on_dashboard(alice) == (3, True)

    replica.resume()
    wait_until_caught_up(replica)
    assert active_on_dashboard(alice) == (6, False)
    wait_until_caught_up(replica)
    assert active_on_dashboard(bob) == (6, False)
    with bob.session_transaction() as session:
        assert "_wal" not in session  # caught up: his next pages read the replica again
    with app.app_context():
        db.engine.dispose()


def test_an_unreachable_replica_is_skipped(pair, caplog):
    primary_url, _replica_url, _replica = pair
    app = make_app(primary_url, DATABASE_REPLICA_URL=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x")
    client = app.test_client()
    sign_in(client, in_app(app, lambda: UserFactory(role="org").get_id()))
    active = in_app(app, lambda: db.session.scalar(
        select(func.count()).select_from(Talent).where(Talent.status == "active")))
    assert active_on_dashboard(client) == (active, False)
    assert active_on_dashboard(client) == (active, False)
    # Tried once, then left alone for a while (a host that does not answer costs a timeout).
    assert sum("read replica unreachable" in r.getMessage() for r in caplog.records) == 1
    with app.app_context():
        db.engine.dispose()
