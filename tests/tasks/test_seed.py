"""The seeded plan is the work plan's text: checked against ``work-plan.txt`` (a copy of
附件3 / 附件3-1 beside this test), parsed here independently of the seed code."""
import re
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from talent.auth.units import TOWNS, UNITS
from talent.auth.units import wording as unit_wording
from talent.extensions import db
from talent.reference import seed_reference
from talent.tasks.models import TaskAction, TaskIndicator, TaskItem, TaskPlan

TEXT = (Path(__file__).parent / "work-plan.txt").read_text(encoding="utf-8")


def _unit_names(cell: str) -> list[str]:
    """The text's unit names as the units table spells them: no stray spaces, ASCII brackets."""
    return [re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")
            for name in re.split("[、，]", cell)]


def _task_list() -> list[dict]:
    lines = TEXT.split("\n")
    start = next(n for n, line in enumerate(lines) if line.strip() == "完成时限") + 1
    rows, block = [], []
    for line in [*lines[start:], ""]:
        if line.strip():
            block.append(line.strip())
        elif block:
            rows.append(block)
            block = []
    action, items = 0, []
    for block in rows:
        if block[0].startswith("（"):
            action += 1
            block = block[1:]
        number, title = block[0].split(".", 1)
        year = int(re.match(r"(\d{4})年12月底前", block[4]).group(1))
        items.append({"code": f"{action}.{number}", "title": re.sub(r"\s", "", title),
                      "text": block[1], "lead": _unit_names(block[2]),
                      "responsible": _unit_names(block[3]), "deadline": date(year, 12, 31)})
    return items


# Every number 附件3-1 names, by item: (words of the indicator's name, target, measure).
ITEM_TARGETS = {
    "1.1": [], "1.2": [],
    "1.3": [("新能源新材料产业集群", 100, "亿元")],  # 打造百亿级…产业集群
    "2.1": [("技术合同交易额", 2, "亿元"), ("科技型中小企业", 50, "家"), ("高新技术企业", 2, "家"),
            ("专精特新企业", 4, "家"), ("高价值发明专利", 4, "件")],
    "2.2": [("省级科技特派员服务乡村振兴科技项目", 1, "项")],
    "2.3": [("贷款", 1, "亿元"), ("覆盖", 10, "家"), ("纯信用贷款", 3000, "万元"),
            ("知识产权质押融资", 1500, "万元")],
    "3.1": [("专家工作站", 1, "个"), ("虎杖提取物高纯度技术研发中心", 1, "个")],
    "3.2": [("科技要素大市场", 1, "个"), ("省级公共平台", 2, "个")],
    "4.1": [("高端科技创新人才团队", 1, "个"), ("优秀科技人才", 1, "名"), ("外国人才", 1, "人"),
            ("科创飞地", 1, "家")],
    "4.2": [], "4.3": [],
}
# Targets the text states in words rather than digits.
WORDED = {("1.3", "新能源新材料产业集群"): "百亿级",
          ("3.1", "专家工作站"): "创建专家工作站", ("3.1", "虎杖提取物高纯度技术研发中心"): "首个",
          ("3.2", "科技要素大市场"): "创建科技要素大市场永州分市场双牌工作站",
          ("3.2", "省级公共平台"): "“双牌野生茶星创天地”、“赋能工坊众创空间”等省级公共平台",
          ("4.1", "高端科技创新人才团队"): "1个以上高端科技创新人才团队"}
GOALS = [("研发经费投入增长", 13, "%", "at_least"), ("技术合同交易成交额增长", 15, "%", "at_least"),
         ("高价值发明专利", 4, "件", "at_least"), ("高新技术产业增加值增长", 15, "%", "about")]
ACTION_TARGETS = {"一": [("高新竹木企业", 2, "家"), ("竹木新产品", 6, "个")], "三": [("院士工作站", 1, "家")]}


def _plan() -> TaskPlan:
    return db.session.scalar(select(TaskPlan).where(TaskPlan.name == "双牌县打好科技创新攻坚仗工作方案"))


def test_the_eleven_items_are_the_task_list(app):
    plan = _plan()
    expected = _task_list()
    assert [i["code"] for i in expected] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2",
                                             "4.1", "4.2", "4.3"]
    items = plan.items
    assert len(items) == 11
    for item, wanted in zip(items, expected, strict=True):
        assert item.code == wanted["code"]
        assert item.title == wanted["title"]
        assert item.text == wanted["text"]
        assert [u.name for u in item.lead_units] == wanted["lead"], item.code
        # the text's wording: the 11 乡镇 and 阳明山管理局 are each a unit, named together as 各乡镇(管理局)
        assert unit_wording(item.responsible_units) == wanted["responsible"], item.code
        if "各乡镇(管理局)" in wanted["responsible"]:
            assert [u.name for u in item.responsible_units if u.group_name] == TOWNS
        assert item.deadline == wanted["deadline"], item.code
        assert item.status == "not_started"
    # every unit the text names is one of the county's 17 units, 各乡镇(管理局) included
    named = {u for i in expected for u in i["lead"] + i["responsible"]}
    assert named <= {name for name, _kind in UNITS}
    assert "各乡镇(管理局)" in named and "县政府办(金融办)" in named


def test_actions_and_deadlines(app):
    plan = _plan()
    assert [(a.numeral, a.title, len(a.items)) for a in plan.actions] == [
        ("一", "实施关键核心技术攻关行动", 3), ("二", "实施创新成果转化行动", 3),
        ("三", "实施科技创新平台创建行动", 2), ("四", "实施潇湘人才行动", 3)]
    assert {i.deadline for i in plan.actions[0].items} == {date(2025, 12, 31)}
    assert {i.deadline for a in plan.actions[1:] for i in a.items} == {date(2023, 12, 31)}
    for action in plan.actions:
        assert action.text in TEXT


def test_every_number_of_the_text_is_an_indicator(app):
    plan = _plan()
    for item in plan.items:
        targeted = [i for i in item.indicators if i.target is not None]
        wanted = ITEM_TARGETS[item.code]
        assert len(targeted) == len(wanted), (item.code, [i.name for i in targeted])
        for indicator, (words, target, measure) in zip(targeted, wanted, strict=True):
            assert words in indicator.name, (item.code, indicator.name)
            assert (indicator.target, indicator.measure, indicator.comparison) == (target, measure,
                                                                                    "at_least")
            # nothing invented: the number stands in the item's own text
            number = WORDED.get((item.code, words), f"{target}{measure[0]}")
            assert number in item.text, (item.code, number)


def test_plan_goals_and_work_task_targets(app):
    plan = _plan()
    goals = [i for i in plan.indicators if i.scope == "goal"]
    assert len(goals) == 4
    for indicator, (words, target, measure, comparison) in zip(goals, GOALS, strict=True):
        assert words in indicator.name
        assert (indicator.target, indicator.measure, indicator.comparison) == (target, measure, comparison)
        assert indicator.item_id is None
        if measure == "%":  # growth targets carry a baseline year (its value is the office's to enter)
            assert indicator.baseline_year == 2022 and indicator.level_measure
        else:
            assert indicator.baseline_year is None
    by_action = {}
    for indicator in plan.indicators:
        if indicator.scope == "action":
            by_action.setdefault(indicator.action.numeral, []).append(
                (indicator.name, indicator.target, indicator.measure))
    assert set(by_action) == set(ACTION_TARGETS)
    for numeral, wanted in ACTION_TARGETS.items():
        assert [(t, m) for _n, t, m in by_action[numeral]] == [(t, m) for _w, t, m in wanted]
        assert all(w in n for (n, _t, _m), (w, _t2, _m2) in zip(by_action[numeral], wanted, strict=True))
    assert "13%以上" in plan.goals and "15%左右" in plan.goals


def test_working_group_and_safeguards(app):
    plan = _plan()
    assert plan.convener == "县政府分管副县长"
    assert plan.deputy_conveners == "县政府办分管副主任、县科工信局主要负责人"
    members = re.search(r"成员单位包括(.+?)等单位", TEXT).group(1)
    assert [u.name for u in plan.member_units] == _unit_names(members)
    assert plan.office_unit.name == "县科工信局"
    for heading in ("1.组建工作专班", "2.强化科技投入", "3.健全推进机制"):
        assert heading in plan.safeguards


def test_computed_indicators_name_metric_keys(app):
    computed = {i.metric_key: i for i in db.session.scalars(
        select(TaskIndicator).where(TaskIndicator.source == "computed"))}
    assert set(computed) == {
        "registry.foreign_talents_introduced", "registry.teams_introduced", "cards.cards_issued",
        "commissioners.county_selected", "commissioners.provincial_projects",
        "commissioners.targets_served", "services.on_time_rate", "programmes.recommended",
        "programmes.selected_high_level"}
    assert computed["registry.foreign_talents_introduced"].item.code == "4.1"
    assert computed["commissioners.provincial_projects"].item.code == "2.2"
    assert computed["services.on_time_rate"].item.code == "4.3"


def test_seeding_again_changes_nothing(app):
    before = [db.session.scalar(select(func.count()).select_from(model))
              for model in (TaskPlan, TaskAction, TaskItem, TaskIndicator)]
    seed_reference()
    db.session.commit()
    after = [db.session.scalar(select(func.count()).select_from(model))
             for model in (TaskPlan, TaskAction, TaskItem, TaskIndicator)]
    assert before == after == [1, 4, 11, before[3]]
