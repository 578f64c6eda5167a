"""考核 by published rules: points on a fixture year equal a hand-computed table; rules are
versioned and graded assessments keep theirs; an override needs a reason; the 考核表."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from talent.commissioners import operations
from talent.commissioners.assessment_models import Assessment
from talent.core.audit import AuditEntry
from talent.extensions import db
from tests.commissioners.world import make_assignment, make_commissioner, make_log, make_target, make_world

YEAR = 2026
RULES = {"per_day": 0.6, "max_day_points": 60, "per_training": 1, "per_trainee": 0.02,
         "max_training_points": 20, "per_technology": 2, "max_technology_points": 10,
         "per_project": 5, "max_project_points": 10, "min_days": 3, "rating_weight": 2,
         "excellent": 20, "pass": 10, "basic_pass": 3}

# Worked by hand from the logs below (confirmed only):
#              days      training             technologies     project  rating          total  grade
# 陈立新   5×0.6=3.0  2×1+50×0.02=3.0   3×2=6              1×5=5    2×(4.5−3)=3.0   20.0   优秀
# 唐慧敏   2×0.6=1.2  0                 1×2=2              0        —                3.2   不合格 (2 < 3 days)
# 邓春梅   4×0.6=2.4  1×1+300×0.02=7.0  6×2=12 → cap 10    0        —               19.4   合格
EXPECTED = {"陈立新": (20.0, "excellent"), "唐慧敏": (3.2, "fail"), "邓春梅": (19.4, "pass")}


def _confirmed(assignment, day, **values):
    log = make_log(assignment, served_on=date(YEAR, *day), **values)
    operations.confirm_log(None, log)
    return log


@pytest.fixture
def fixture_year(app, clock):
    clock(date(YEAR, 6, 30))
    world = make_world()  # 陈立新 has one approved project this year; his first log is pending
    first = world.assignment
    rated = [_confirmed(first, (2, 1), kind="training", trained_count=30,
                        technologies=["水肥一体化", "绿色防控"]),
             _confirmed(first, (2, 1), kind="guidance", technologies=["水肥一体化"])]
    _confirmed(first, (3, 5), kind="training", trained_count=20, technologies=["竹笋保鲜"])
    for month in (4, 5, 6):
        _confirmed(first, (month, 10), technologies=[])
    make_log(first, served_on=date(YEAR, 6, 20), technologies=["不计入"])  # not confirmed
    operations.rate(rated[0], 5, "")
    operations.rate(rated[1], 4, "")
    _confirmed(world.other_assignment, (1, 8), technologies=["红茶发酵工艺"])
    _confirmed(world.other_assignment, (1, 9), technologies=[])
    third = make_commissioner("邓春梅", round_=world.round)
    third_assignment = make_assignment(third, make_target())
    _confirmed(third_assignment, (3, 1), kind="training", trained_count=300,
               technologies=["a", "b", "c", "d", "e", "f"])
    for day in (2, 3, 4):
        _confirmed(third_assignment, (3, day), technologies=[])
    operations.set_rules(None, world.round, RULES)
    db.session.commit()
    return world


def _table(rows) -> dict:
    return {row.commissioner.name: (row.points, row.suggested_grade) for row in rows}


def test_points_equal_the_hand_computed_table(fixture_year):
    rows = operations.scored_rows(YEAR)
    assert _table(rows) == EXPECTED
    assert {row.rules.version for row in rows} == {1}


def test_a_change_of_rules_is_a_new_version_and_graded_rows_keep_theirs(fixture_year, auth):
    world = fixture_year
    clerk = auth.login_as("unit")
    first = operations.grade(clerk, world.commissioner, YEAR, "excellent", "")
    assert (first.points, first.suggested_grade, first.rules_version) == (20.0, "excellent", 1)
    assert operations.set_rules(clerk, world.round, RULES) is None  # nothing changed
    second = operations.set_rules(clerk, world.round, {**RULES, "per_day": 1})
    db.session.commit()
    assert second.version == 2
    table = {row.commissioner.name: (row.points, row.suggested_grade, row.rules.version)
             for row in operations.scored_rows(YEAR)}
    assert table["陈立新"] == (20.0, "excellent", 1)  # graded under version 1
    assert table["邓春梅"] == (21.0, "excellent", 2)  # 4×1 + 7 + 10
    assert [v.version for v in operations.rules_history(world.round.id)] == [2, 1]


def test_another_grade_than_suggested_needs_a_reason(fixture_year, auth):
    world = fixture_year
    clerk = auth.login_as("unit")
    with pytest.raises(operations.RuleBroken, match="请在考核意见中写明理由"):
        operations.grade(clerk, world.other, YEAR, "pass", "")
    db.session.rollback()
    graded = operations.grade(clerk, world.other, YEAR, "pass", "因病缺勤两月，经局务会研究评为合格")
    db.session.commit()
    assert (graded.grade, graded.suggested_grade) == ("pass", "fail")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "commissioner_assessments",
                                                       AuditEntry.object_id == graded.id))
    assert entry.action == "grade" and "因病缺勤" in str(entry.changes)


@pytest.mark.parametrize("bad", [{"per_day": -1}, {"per_day": "0.6"}, {"min_days": 400},
                                 {"excellent": 5, "pass": 10}, {"per_day": float("nan")},
                                 {"rating_weight": True}])
def test_rules_are_checked(app, bad):
    with pytest.raises(operations.RuleBroken):
        operations.clean_rules({**RULES, **bad})


def test_api_rounds_carry_rules_and_the_assessment(client, api_token, fixture_year):
    world = fixture_year
    headers = api_token("unit")
    shown = client.get(f"/api/v1/rounds/{world.round.id}", headers=headers).get_json()
    assert shown["scoring_rules"]["version"] == 1 and shown["scoring_rules"]["per_day"] == 0.6
    bad = client.patch(f"/api/v1/rounds/{world.round.id}", headers=headers,
                       json={"scoring_rules": {**RULES, "pass": 99}})
    assert bad.status_code == 422
    ok = client.patch(f"/api/v1/rounds/{world.round.id}", headers=headers,
                      json={"scoring_rules": {**RULES, "min_days": 2}})
    assert ok.status_code == 200 and ok.get_json()["scoring_rules"]["version"] == 2
    body = client.get(f"/api/v1/rounds/{world.round.id}/assessment?year={YEAR}",
                      headers=headers).get_json()
    rows = {row["name"]: row for row in body["items"]}
    assert rows["唐慧敏"]["suggested_grade"] == "basically_qualified"  # 2 days now enough
    assert rows["陈立新"]["points"] == 20.0 and rows["陈立新"]["suggested_grade"] == "excellent"
    assert rows["邓春梅"]["suggested_grade"] == "qualified" and rows["邓春梅"]["grade"] is None
    assert client.get(f"/api/v1/rounds/{world.round.id}/assessment",
                      headers=api_token("commissioner")).status_code == 403


def test_api_assessment_is_paged_and_scores_only_the_page(client, api_token, fixture_year,
                                                          monkeypatch):
    world = fixture_year
    headers = api_token("unit")
    url = f"/api/v1/rounds/{world.round.id}/assessment?year={YEAR}"
    scored = []
    real = operations.assessment.year_figures
    monkeypatch.setattr(operations.assessment, "year_figures",
                        lambda year, ids=None: scored.append(ids) or real(year, ids))
    first = client.get(url + "&per_page=2", headers=headers).get_json()
    assert (first["total"], first["total_is_estimate"], first["page"], first["per_page"]) \
        == (3, False, 1, 2)
    assert scored == [[row["commissioner_id"] for row in first["items"]]]
    second = client.get(url + "&per_page=2&page=2", headers=headers).get_json()
    names = [row["name"] for row in first["items"] + second["items"]]
    assert sorted(names) == sorted(EXPECTED) and len(second["items"]) == 1
    row = next(r for r in first["items"] + second["items"] if r["name"] == "陈立新")
    assert (row["points"], row["suggested_grade"]) == (20.0, "excellent")
    # Past the cap the total is a lower bound, and ?exact=1 counts.
    monkeypatch.setattr("talent.core.pagination.COUNT_CAP", 2)
    capped = client.get(url + "&per_page=1", headers=headers).get_json()
    assert (capped["total"], capped["total_is_estimate"], len(capped["items"])) == (2, True, 1)
    exact = client.get(url + "&per_page=1&exact=1", headers=headers).get_json()
    assert (exact["total"], exact["total_is_estimate"]) == (3, False)
    assert client.get(url + "&page=100001", headers=headers).get_json()["items"] == []
    for bad in ("page=0", "page=abc", "page=-1", "per_page=0", "per_page=101", "per_page=1.5",
                "page=99999999999", "exact=2", "year=abc"):
        refused = client.get(f"{url}&{bad}", headers=headers)
        assert refused.status_code == 422, bad
        assert bad.split("=")[0] in refused.get_json()["error"]["fields"], bad


def test_kaohe_table_xlsx_and_a4(client, auth, fixture_year):
    auth.login_as("unit")
    exported = client.get(f"/commissioners/assessments/export.xlsx?year={YEAR}")
    rows = list(load_workbook(BytesIO(exported.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"双牌县{YEAR}年度科技特派员考核表"
    assert rows[1][0] == "积分规则：第 1 版"
    headers = rows[2]
    named = {r[1]: dict(zip(headers, r, strict=False)) for r in rows[3:] if r[1]}
    assert named["陈立新"]["积分"] == 20 and named["陈立新"]["建议等次"] == "优秀"
    assert named["邓春梅"]["推广技术/品种（项）"] == 6 and named["邓春梅"]["积分"] == 19.4
    assert rows[-1][0] == "经办人（签字）：" and "负责人（签字）：" in rows[-1]
    page = client.get(f"/commissioners/assessments/print?year={YEAR}").get_data(as_text=True)
    assert f"双牌县{YEAR}年度科技特派员考核表" in page and "积分规则：第 1 版" in page
    assert "经办人（签字）" in page and "负责人（签字）" in page and "19.4" in page


def test_rules_page_publishes_a_version(client, auth, fixture_year):
    world = fixture_year
    auth.login_as("unit")
    page = client.get(f"/commissioners/rounds/{world.round.id}/rules").get_data(as_text=True)
    assert "第 1 版" in page
    form = {key: str(value) for key, value in RULES.items()}
    refused = client.post(f"/commissioners/rounds/{world.round.id}/rules",
                          data={**form, "per_day": "abc"})
    assert "每个服务日积分应为" in refused.get_data(as_text=True)
    done = client.post(f"/commissioners/rounds/{world.round.id}/rules",
                       data={**form, "per_day": "0.8"}, follow_redirects=True)
    assert "已发布积分规则第 2 版" in done.get_data(as_text=True)
    assert db.session.scalar(select(Assessment)) is None
    auth.login_as("org")
    assert client.post(f"/commissioners/rounds/{world.round.id}/rules", data=form).status_code == 403
