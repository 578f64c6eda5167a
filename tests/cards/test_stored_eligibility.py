"""The 推荐发放名单 from stored eligibility: an edit changes it at once, a rule change through the
worker's batches, and a row computed under another version is never listed."""
from datetime import date

import pytest
from sqlalchemy import select

from talent.cards import eligibility
from talent.cards import operations as cards
from talent.cards.models import TalentEligibility
from talent.cards.rules import DEFAULT_RULES, eligible_condition
from talent.core.features import run_background
from talent.extensions import db
from talent.registry import operations as registry
from talent.registry.models import Talent
from tests.factories import TalentFactory, UserFactory, talent_values


def _listed() -> list[str]:
    return [t.name for t in db.session.scalars(cards.recommended_query())]


@pytest.fixture
def clerk(app):
    return UserFactory(role="org")


def test_an_edit_or_import_changes_the_list_at_once(clerk):
    master = TalentFactory(name="甲", education="master", title_level="none", category="none")
    TalentFactory(name="乙", education="bachelor", title_level="none", category="none")
    assert _listed() == ["甲"]
    registry.update_talent(clerk, master, {"id_number": master.id_number, "education": "bachelor"})
    registry.create_talents(clerk, [talent_values(name="丙", education="doctorate")])
    db.session.flush()
    assert _listed() == ["丙"]
    registry.mark_left(clerk, db.session.scalar(select(Talent).where(Talent.name == "丙")))
    assert _listed() == []


def test_a_rule_change_is_recomputed_by_the_worker_in_batches(clerk, client, auth, monkeypatch):
    TalentFactory(name="硕士", education="master", title_level="none", category="none")
    TalentFactory(name="中级", education="bachelor", title_level="intermediate", category="none")
    db.session.commit()
    assert _listed() == ["硕士"]
    tiers = [{**t, "educations": [], "title_levels": ["intermediate"]} if t["code"] == "C" else t
             for t in DEFAULT_RULES["tiers"]]
    cards.create_rule_version(clerk, {**DEFAULT_RULES, "tiers": tiers}, date(2023, 1, 2), "中级职称")
    db.session.commit()
    # Both rows still carry version 1: under version 2 nobody is listed yet, and the page says why.
    assert _listed() == []
    auth.login_as("org")
    page = client.get("/cards/recommended").get_data(as_text=True)
    assert "正在按新规则重新计算" in page and "第2版" in page
    monkeypatch.setattr(eligibility, "BATCH", 1)
    rounds = 0
    while run_background().get("cards", {}).get("eligibility"):
        rounds += 1
    assert rounds == 2  # one talent a batch
    assert _listed() == ["中级"]
    assert "正在按新规则重新计算" not in client.get("/cards/recommended").get_data(as_text=True)
    # what the old single query over every talent would have listed
    assert [t.name for t in db.session.scalars(select(Talent).where(
        eligible_condition(cards.current_rule_set().rules)))] == ["中级"]
    assert set(db.session.scalars(select(TalentEligibility.rule_version))) == {2}


def test_the_api_lists_the_stored_eligibility_with_its_version(app, client, api_token):
    TalentFactory(name="硕士", education="master", title_level="none", category="none")
    db.session.commit()
    body = client.get("/api/v1/cards/recommended", headers=api_token("org")).get_json()
    assert [(i["name"], i["tier"]) for i in body["items"]] == [("硕士", "C")]
    assert (body["total"], body["total_is_estimate"], body["rule_version"], body["complete"]) == (
        1, False, 1, True)
    assert client.get("/api/v1/cards/recommended", headers=api_token("unit")).status_code == 403
