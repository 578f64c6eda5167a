"""Every (state, move, role): the state machine allows exactly what the issue describes.

The expected table is written out here from the issue, independently of ``machine.MOVES``;
a move the role may never make is 403, a move the role may make but not in this state is 422
naming the current state, everything else goes through.
"""
import pytest

from talent.extensions import db
from talent.services import operations as services
from talent.services.machine import MOVES, state_label
from talent.services.models import STATUSES
from tests.services.conftest import in_state

ALLOWED = {
    "accept": ({"submitted"}, {"handler", "admin"}),
    "reject": ({"submitted", "waiting_materials"}, {"handler", "admin"}),
    "start": ({"accepted"}, {"handler", "admin"}),
    "ask_materials": ({"accepted", "in_progress"}, {"handler", "admin"}),
    "supply": ({"waiting_materials"}, {"talent", "org"}),
    "complete": ({"accepted", "in_progress"}, {"handler", "admin"}),
    "transfer": ({"submitted", "accepted", "in_progress", "waiting_materials"}, {"handler", "org", "admin"}),
    "withdraw": ({"submitted"}, {"talent", "org"}),
    "reopen": ({"completed"}, {"talent", "org"}),
}
RESULT = {"accept": "accepted", "reject": "rejected", "start": "in_progress",
          "ask_materials": "waiting_materials", "supply": "in_progress", "complete": "completed",
          "withdraw": "withdrawn", "reopen": "in_progress"}
ROLES = ["talent", "other_talent", "handler", "other_unit", "org", "admin"]


def test_table_is_the_one_the_issue_describes():
    assert set(MOVES) == set(ALLOWED)
    for name, (sources, who) in ALLOWED.items():
        assert set(MOVES[name].sources) == sources and MOVES[name].who == who, name
    assert {n for n, m in MOVES.items() if m.note_required} == {
        "reject", "ask_materials", "complete", "transfer", "reopen"}


def test_every_state_move_and_role(people, today):
    actors = {"talent": people.talent_user, "other_talent": people.other_talent_user,
              "handler": people.zjj, "other_unit": people.wjj, "org": people.org, "admin": people.admin}
    other_unit_id = services.type_by_code("education").unit_id
    requests = {state: in_state(people, state) for state in STATUSES}
    db.session.commit()
    outcomes = {"ok": 0, 403: 0, 422: 0}
    for state, req in requests.items():
        for name in MOVES:
            sources, who = ALLOWED[name]
            for role in ROLES:
                savepoint = db.session.begin_nested()
                try:
                    services.transition(actors[role], req, name, "理由", req.version,
                                        unit_id=other_unit_id)
                except services.NotYourRequest:
                    got = 403
                except services.ServiceRefused as error:
                    got = 422
                    assert f"当前状态为“{state_label(state)}”" in error.message, (state, name, role)
                else:
                    got = "ok"
                    expected_status = RESULT.get(name, state)
                    assert req.status == expected_status, (state, name, role)
                    if name == "transfer":
                        assert req.unit_id == other_unit_id
                finally:
                    savepoint.rollback()
                expected = 403 if role not in who else ("ok" if state in sources else 422)
                assert got == expected, (state, name, role, got)
                outcomes[got] += 1
    assert sum(outcomes.values()) == len(STATUSES) * len(MOVES) * len(ROLES)
    assert all(outcomes.values())


@pytest.mark.parametrize("to", ["accepted", "accept"])
def test_moves_named_by_target_state_or_by_name(people, today, to):
    req = in_state(people, "submitted")
    services.transition(people.zjj, req, to, "", req.version)
    assert req.status == "accepted"
