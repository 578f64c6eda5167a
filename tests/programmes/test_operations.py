"""Recommendations and what a result changes: level only up, card tier only through org's renewal."""
from datetime import date

import pytest
from sqlalchemy import func, select

from talent.cards import operations as cards
from talent.core.audit import AuditEntry, history
from talent.core.features import metric
from talent.extensions import db
from talent.notifications.models import Notification
from talent.programmes import operations
from talent.programmes.models import Programme, ProgrammeCall
from talent.programmes.operations import (
    DuplicateProgramme,
    DuplicateRecommendation,
    ProgrammeRefused,
    StaleRecommendation,
)
from tests.factories import TalentFactory, UserFactory
from tests.programmes.conftest import values


def _selected(**overrides):
    return {"outcome": "selected", "decided_on": date(2026, 10, 16), "document_no": "湘科人〔2026〕21号",
            **overrides}


def test_seed_is_idempotent(app):
    before = db.session.scalar(select(func.count(Programme.id)))
    assert before >= 4
    assert operations.seed_programmes() == 0
    assert db.session.scalar(select(func.count(Programme.id))) == before
    levels = {p.name: p.level for p in db.session.scalars(select(Programme))}
    assert levels["国家级人才项目"] == "national"
    assert levels["湖南省湖湘青年英才"] == "provincial"
    assert levels["芙蓉计划（湖南省芙蓉人才行动计划）"] == "provincial"
    assert levels["永州市“双百”科技人才"] == "municipal"


def test_recommend_opens_the_call_and_audits(app, programmes):
    org = UserFactory(role="org")
    talent = TalentFactory()
    recommendation, effect = operations.recommend(org, values(talent, programmes["provincial"]))
    assert recommendation.call.year == 2026 and recommendation.programme is programmes["provincial"]
    assert recommendation.outcome == "pending" and recommendation.version == 1
    assert not effect.level_raised
    actions = [e.action for e in history("recommendations", recommendation.id)]
    assert actions == ["recommend"]
    assert [e.action for e in history("programme_calls", recommendation.call_id)] == ["create"]
    with pytest.raises(DuplicateRecommendation):
        operations.recommend(org, values(talent, programmes["provincial"]))


def test_a_talent_who_left_or_an_inactive_programme_cannot_be_recommended(app, programmes):
    org = UserFactory(role="org")
    with pytest.raises(ProgrammeRefused, match="已离开"):
        operations.recommend(org, values(TalentFactory(status="left"), programmes["provincial"]))
    programmes["municipal"].active = False
    with pytest.raises(ProgrammeRefused, match="停止受理"):
        operations.recommend(org, values(TalentFactory(), programmes["municipal"]))


def test_selection_raises_the_level_through_the_audited_talent_update(app, programmes):
    org = UserFactory(role="org")
    talent = TalentFactory(programme_level="municipal")
    recommendation, _ = operations.recommend(org, values(talent, programmes["provincial"]))
    changes, effect = operations.record_outcome(org, recommendation, _selected(), recommendation.version)
    assert changes["outcome"] == ["pending", "selected"]
    assert (effect.level_from, effect.level_to) == ("municipal", "provincial")
    assert talent.programme_level == "provincial"
    talent_log = history("talents", talent.id)
    assert talent_log[0].action == "update"
    assert talent_log[0].changes == {"programme_level": ["municipal", "provincial"]}
    assert history("recommendations", recommendation.id)[0].action == "outcome"


def test_selection_never_lowers_and_unselecting_never_lowers(app, programmes):
    org = UserFactory(role="org")
    talent = TalentFactory(programme_level="national")
    _, effect = operations.recommend(org, values(talent, programmes["municipal"], **_selected()))
    assert not effect.level_raised and talent.programme_level == "national"
    assert [e.action for e in history("talents", talent.id)] == []
    # A provincial selection later withdrawn: the level it gave stays until a clerk edits the record.
    other = TalentFactory(programme_level="none")
    rec, _ = operations.recommend(org, values(other, programmes["provincial"], **_selected()))
    assert other.programme_level == "provincial"
    operations.record_outcome(org, rec, {"outcome": "withdrawn", "decided_on": None, "document_no": ""},
                              rec.version)
    assert other.programme_level == "provincial"


def test_card_tier_moves_only_through_orgs_renewal(app, programmes):
    org = UserFactory(role="org")
    holder = TalentFactory(programme_level="none", education="master", title_level="intermediate",
                           category="none")
    account = UserFactory(role="talent", talent_id=holder.id)
    card = cards.issue_card(org, holder)
    assert card.tier == "C"
    recommendation, _ = operations.recommend(org, values(holder, programmes["provincial"]))
    _, effect = operations.record_outcome(org, recommendation, _selected(), recommendation.version)
    assert effect.upgradeable and effect.card_number == card.number and effect.qualifies_for.startswith("B")
    assert card.tier == "C"  # nothing re-issued automatically
    assert cards.eligibility(holder).tier == "B"  # the explanation shows the new tier
    listed = operations.upgradeable()
    assert [(u.talent.id, u.card.id, u.verdict.tier) for u in listed] == [(holder.id, card.id, "B")]
    notes = list(db.session.scalars(select(Notification).where(Notification.user_id == account.id)))
    assert len(notes) == 1 and "升档" in notes[0].title and notes[0].link == "/me"
    # Saving the same selection again notifies no second time.
    operations.update_recommendation(org, recommendation, {"note": "补充说明"}, recommendation.version)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == account.id)) == 1
    # org's decision: renewal at the current rules moves the tier; the holder leaves the list.
    cards.renew_card(org, card)
    assert card.tier == "B"
    assert operations.upgradeable() == []


def test_no_notification_when_the_card_already_matches(app, programmes):
    org = UserFactory(role="org")
    holder = TalentFactory(programme_level="none", education="doctorate", title_level="senior")
    account = UserFactory(role="talent", talent_id=holder.id)
    card = cards.issue_card(org, holder)
    assert card.tier == "A"
    _, effect = operations.recommend(org, values(holder, programmes["provincial"], **_selected()))
    assert effect.level_raised and not effect.upgradeable
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == account.id)) == 0
    assert operations.upgradeable() == []


def test_stale_version_is_refused(app, programmes):
    org = UserFactory(role="org")
    recommendation, _ = operations.recommend(org, values(TalentFactory(), programmes["provincial"]))
    seen = recommendation.version
    operations.update_recommendation(org, recommendation, {"note": "第一位经办人"}, seen)
    assert recommendation.version == seen + 1
    with pytest.raises(StaleRecommendation):
        operations.update_recommendation(org, recommendation, {"note": "第二位经办人"}, seen)
    assert recommendation.note == "第一位经办人"


def test_moving_to_another_call_is_logged_by_name(app, programmes):
    org = UserFactory(role="org")
    talent = TalentFactory()
    recommendation, _ = operations.recommend(org, values(talent, programmes["provincial"]))
    changes, _ = operations.update_recommendation(
        org, recommendation, {"programme_id": programmes["national"].id, "year": 2025},
        recommendation.version)
    assert changes["programme"] == ["湖南省湖湘青年英才", "国家级人才项目"]
    assert changes["year"] == [2026, 2025]
    assert recommendation.call.year == 2025 and recommendation.programme is programmes["national"]
    with pytest.raises(ProgrammeRefused, match="不能更改"):
        operations.update_recommendation(org, recommendation, {"talent_id": TalentFactory().id},
                                         recommendation.version)


def test_programme_names_are_unique_and_calls_update(app):
    admin = UserFactory(role="admin")
    programme = operations.create_programme(admin, {"name": "湖南省科技人才托举工程", "level": "provincial",
                                                    "organiser": "湖南省科学技术协会", "description": "",
                                                    "active": True})
    with pytest.raises(DuplicateProgramme):
        operations.create_programme(admin, {"name": "湖南省科技人才托举工程", "level": "provincial",
                                            "organiser": "", "description": "", "active": True})
    call = operations.save_call(admin, programme, 2026, date(2026, 4, 30))
    again = operations.save_call(admin, programme, 2026, date(2026, 5, 15), "延期")
    assert again.id == call.id and call.deadline == date(2026, 5, 15)
    assert db.session.scalar(select(func.count(ProgrammeCall.id)).where(
        ProgrammeCall.programme_id == programme.id)) == 1
    assert [e.action for e in history("programme_calls", call.id)] == ["update", "create"]


def test_visible_to(app, programmes):
    org = UserFactory(role="org")
    mine = TalentFactory()
    theirs = TalentFactory()
    talent_user = UserFactory(role="talent", talent_id=mine.id)
    unit_user = UserFactory(role="unit")
    own, _ = operations.recommend(org, values(mine, programmes["provincial"]))
    operations.recommend(org, values(theirs, programmes["provincial"]))
    assert len(db.session.scalars(operations.visible_to(org)).all()) == 2
    assert db.session.scalars(operations.visible_to(talent_user)).all() == [own]
    assert db.session.scalars(operations.visible_to(unit_user)).all() == []


def test_metrics_count_distinct_talents_by_call_year(app, programmes):
    org = UserFactory(role="org")
    a, b, c = TalentFactory(), TalentFactory(), TalentFactory()
    operations.recommend(org, values(a, programmes["provincial"], **_selected()))
    operations.recommend(org, values(a, programmes["national"]))  # same talent twice: counted once
    operations.recommend(org, values(b, programmes["municipal"], **_selected()))  # municipal: not high
    operations.recommend(org, values(c, programmes["provincial"], outcome="withdrawn"))
    operations.recommend(org, values(c, programmes["national"], year=2025, **_selected(
        decided_on=date(2025, 9, 1))))
    recommended = metric("programmes.recommended")
    high = metric("programmes.selected_high_level")
    assert recommended.compute(2026) == 2  # a and b; c withdrew
    assert high.compute(2026) == 1  # a
    assert recommended.compute(2025) == 1 and high.compute(2025) == 1
    assert recommended.compute(2024) == 0
    with app.test_request_context():
        assert "year=2026" in high.link(2026) and "level=high" in high.link(2026)


def test_every_change_is_audited(app, programmes):
    org = UserFactory(role="org")
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    recommendation, _ = operations.recommend(org, values(TalentFactory(), programmes["national"]))
    operations.record_outcome(org, recommendation, _selected(), recommendation.version)
    # call created, recommendation, outcome, talent level raised
    assert db.session.scalar(select(func.count(AuditEntry.id))) - before == 4


def test_a_concurrent_write_is_caught_by_the_database_version_check(app, programmes):
    from sqlalchemy import update

    from talent.programmes.models import Recommendation

    org = UserFactory(role="org")
    recommendation, _ = operations.recommend(org, values(TalentFactory(), programmes["provincial"]))
    seen = recommendation.version
    # Another clerk's transaction bumps the row behind this session's back.
    db.session.execute(update(Recommendation).where(Recommendation.id == recommendation.id)
                       .values(version=seen + 1, note="另一位经办人"))
    with pytest.raises(StaleRecommendation):
        operations.update_recommendation(org, recommendation, {"note": "我的修改"}, seen)


def test_selection_gives_the_higher_of_the_two_levels_for_every_pair(app, programmes):
    """Exhaustive over the talent's level × the programme's level: max of the two, never lower."""
    from talent.programmes.models import LEVEL_RANK

    org = UserFactory(role="org")
    academician = operations.create_programme(org, {"name": "院士增选", "level": "academician",
                                                    "organiser": "中国科学院、中国工程院",
                                                    "description": "", "active": True})
    by_level = {**programmes, "academician": academician}
    for start in LEVEL_RANK:
        for level, programme in by_level.items():
            talent = TalentFactory(programme_level=start)
            _, effect = operations.recommend(org, values(talent, programme, **_selected()))
            expected = min(start, level, key=LEVEL_RANK.__getitem__)
            assert talent.programme_level == expected, (start, level)
            assert effect.level_raised == (expected != start)
