"""Service-request fixtures: the county's calendar frozen on a chosen day, a 住建局 clerk, a talent
with an account, and requests brought to any state through the real operations."""
import io
from datetime import date

import pytest
from PIL import Image

from talent.auth.units import unit_named
from talent.core import timeutil
from talent.extensions import db
from talent.services import attachments
from talent.services import operations as services
from tests.factories import TalentFactory, UserFactory

# A Monday with no holiday near it: deadlines are plain to read.
MONDAY = date(2026, 11, 2)


@pytest.fixture
def today(monkeypatch):
    """The county's calendar day as the operations see it; ``today.set(day)`` moves it."""

    class Clock:
        day = MONDAY

        def set(self, day: date) -> None:
            self.day = day

    clock = Clock()
    monkeypatch.setattr(timeutil, "today", lambda: clock.day)
    return clock


def unit_user(unit_name: str, **kwargs):
    return UserFactory(role="unit", unit_id=unit_named(unit_name).id, **kwargs)


@pytest.fixture
def people(app):
    """A talent with an account, the 住建局 clerk who handles housing, another unit's clerk, org, admin."""
    talent = TalentFactory(name="李明")
    other_talent = TalentFactory(name="王建国")

    class People:
        pass

    p = People()
    p.talent = talent
    p.talent_user = UserFactory(role="talent", talent_id=talent.id, username="rencai_t")
    p.other_talent = other_talent
    p.other_talent_user = UserFactory(role="talent", talent_id=other_talent.id)
    p.zjj = unit_user("县住建局", username="zjj_t")
    p.zjj2 = unit_user("县住建局")
    p.wjj = unit_user("县卫健局", username="wjj_t")
    p.org = UserFactory(role="org", username="zzb_t")
    p.admin = UserFactory(role="admin", username="admin_t")
    db.session.commit()
    return p


def png_bytes(color="red", size=(20, 20)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, "PNG")
    return output.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def checked_png(name="户口簿.png"):
    return attachments.CheckedFile(name, "image/png", png_bytes())


def file_housing(people, actor=None, **kwargs):
    return services.file_request(actor or people.talent_user, people.talent, services.type_by_code("housing"),
                                 "申请人才公寓", "申请入住县人才公寓", **kwargs)


def move(actor, req, to, note="说明", **kwargs):
    return services.transition(actor, req, to, note, req.version, **kwargs)


def in_state(people, state: str):
    """A housing request brought to ``state`` the way people would."""
    req = file_housing(people)
    zjj = people.zjj
    if state == "submitted":
        return req
    if state == "rejected":
        move(zjj, req, "reject", "不符合条件")
        return req
    if state == "withdrawn":
        move(people.talent_user, req, "withdraw", "")
        return req
    move(zjj, req, "accept", "")
    if state == "accepted":
        return req
    if state == "in_progress":
        move(zjj, req, "start", "")
        return req
    if state == "waiting_materials":
        move(zjj, req, "ask_materials", "请补充户口簿")
        return req
    if state == "completed":
        move(zjj, req, "complete", "已安排入住")
        return req
    raise ValueError(state)


def sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def token(client, user) -> dict:
    from tests.factories import TEST_PASSWORD

    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
