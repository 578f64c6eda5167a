"""Demo data, placed relative to today so the demo is alive on any date.

- The seed plan (2023-01-01 → 2025-12-31) with reports over 2023, a few items completed; once its
  period is over it is closed with a final evaluation, its items done or missed.
- A current plan for this year, copied from it (named as such, deadlines within the year), with
  reports for the months so far: the office's own figures, a 乡镇's part of 4.1, one waiting for
  confirmation, one returned, a 督办单, and 县统计局's figure of a growth rate.
- Accounts ``lyj`` (县林业局), ``lbz`` (泷泊镇), ``tjj`` (县统计局) and the convener ``zxz`` (leader).
"""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from talent.auth import operations as accounts
from talent.core import timeutil
from talent.core.features import DemoContext
from talent.extensions import db
from talent.tasks import operations, seed_plan
from talent.tasks.lights import last_complete_period, periods_between
from talent.tasks.models import TaskItem, TaskPlan

MONEY = ("亿元", "万元")


def _values(item: TaskItem, share: float) -> dict[int, float]:
    return {i.id: round(i.target * share, 2) if i.measure in MONEY else float(round(i.target * share))
            for i in operations.reportable_indicators(item) if i.target is not None}


COMPLETED = {
    "3.2": "科技要素大市场双牌工作站挂牌运行，星创天地、众创空间通过省级认定（县科工信局2023年12月通报）",
    "2.3": "合作银行全年为科技型企业投放贷款1.02亿元，覆盖12家，纯信用贷款3100万元（人民银行双牌支行统计）",
}


def _history(plan: TaskPlan, admin, kgxj, lyj, forestry) -> int:
    """2023 on the seed plan: the office confirms (four eyes: the admin files for the units)."""
    items = {item.code: item for item in plan.items}
    reports = 0
    for month, share in ((3, 0.2), (6, 0.45), (9, 0.7), (12, 1.0)):
        period = f"2023-{month:02d}"
        for code in ("2.1", "2.3", "3.2", "4.1"):
            item = items[code]
            unit = item.lead_units[0]
            report = operations.submit_report(admin, item, unit, period,
                                              f"{unit.name}按计划推进{item.title}，{period}完成阶段任务。",
                                              _values(item, share if code != "2.1" else share * 0.8),
                                              "部分企业申报材料准备不足" if code == "2.1" else "")
            operations.review_report(kgxj, report, True)
            reports += 1
    operations.submit_report(lyj, items["1.1"], forestry, "2023-06",
                             "推进竹木初加工集聚区建设，完成选址论证。", {}, "集聚区用地指标尚未落实")
    for code, evidence in COMPLETED.items():
        item = items[code]
        operations.request_completion(kgxj if code == "3.2" else admin, item, evidence)
        operations.accept_completion(kgxj, item, True)
    return reports + 1


FINAL_EVALUATION = (
    "三年方案期内，全县围绕关键核心技术攻关、科技成果转化、创新平台建设和潇湘人才行动四项任务推进，"
    "科技金融、公共技术服务平台等事项按期完成；技术合同交易额、科技型中小企业入库数未达到方案目标，"
    "农林产品加工、生物医药、新能源新材料三个领域的产业化项目仍在推进，转入新一年度方案继续督办。"
)


def _filed_in_time(report, period: str) -> None:
    """A demo report arrives on the 3rd of the following month (09:00 in 双牌), not at load time,
    so the 按时报送 ranking reads as the units' habits would make it."""
    year, month = int(period[:4]), int(period[5:])
    arrived = datetime(year + (month == 12), month % 12 + 1, 3, 1, 0)  # UTC
    report.submitted_at = min(arrived, timeutil.utcnow())


# Items whose lead unit files last month's report too (1.3 and 2.3 stay unreported: red lights).
LAST_MONTH_ONLY = ("1.1", "1.2", "2.2", "3.1", "4.2", "4.3")


def _current(plan: TaskPlan, kgxj, admin, clerk, town, on: date, statistician=None) -> int:
    """This year's plan, copied from the seed plan, with the months so far."""
    year = on.year
    copy = operations.copy_plan(kgxj, plan, f"{seed_plan.PLAN_NAME}（{year}年）", year,
                                date(year, 1, 1), date(year, 12, 31))
    copy = operations.load_plan(copy.id)
    items = {item.code: item for item in copy.items}
    last = last_complete_period(on)
    months = [p for p in periods_between(f"{year}-01", last)] if last >= f"{year}-01" else []
    reports = 0
    for n, period in enumerate(months, start=1):
        share = n / 12
        for code in ("2.1", "4.1"):
            item = items[code]
            unit = item.lead_units[-1]  # 县科工信局 for both: the office's own report
            report = operations.submit_report(admin, item, unit, period,
                                              f"{unit.name}{period}推进{item.title}。",
                                              _values(item, share * 0.9))
            _filed_in_time(report, period)
            if period != months[-1]:
                operations.review_report(kgxj, report, True)  # the last month waits for confirmation
            reports += 1
        talent_finding = next(i for i in items["4.1"].indicators if i.aggregation == "sum")
        report = operations.submit_report(clerk, items["4.1"], town, period,
                                          f"{town.name}{period}走访辖区企业，挖掘科技人才。",
                                          {talent_finding.id: float(min(n // 4, 2))})
        _filed_in_time(report, period)
        if period != months[-1]:
            operations.review_report(kgxj, report, True)
        reports += 1
    for code in LAST_MONTH_ONLY if months else ():
        item = items[code]
        unit = item.lead_units[0]
        report = operations.submit_report(admin, item, unit, months[-1],
                                          f"{unit.name}{months[-1]}推进{item.title}。",
                                          _values(item, len(months) / 12 * 0.85))
        _filed_in_time(report, months[-1])
        operations.review_report(kgxj, report, True)
        reports += 1
    if months:
        returned = operations.submit_report(admin, items["3.2"], items["3.2"].responsible_units[0],
                                            months[-1], "开展星创天地申报辅导。", _values(items["3.2"], 0.3))
        operations.review_report(kgxj, returned, False, "请补充众创空间申报进展和佐证材料")
        reports += 1
    if months and statistician is not None:  # 县统计局 is named on the growth rates: its 快报 figure
        growth = next(i for i in copy.indicators if i.name == "全社会研发经费投入增长")
        # the office's 参数: last year's figure as the base, so the growth rate can be computed
        operations.update_settings(kgxj, copy, copy.tolerance, {growth.id: 5000.0}, on)
        operations.enter_value(statistician, growth, months[-1], 5650.0, note="统计快报（本年累计，万元）")
    operations.issue_directive(kgxj, items["2.1"], items["2.1"].lead_units[0],
                               "技术合同交易额、科技型中小企业入库数离目标差距较大，请说明原因并提出整改措施。",
                               on + timedelta(days=7))
    operations.refresh_lights(copy, on)
    return reports


def load(ctx: DemoContext) -> dict:
    plan = db.session.scalar(select(TaskPlan).where(TaskPlan.name == seed_plan.PLAN_NAME))
    if plan is None:
        return {"reports": 0}
    plan = operations.load_plan(plan.id)
    on = timeutil.today()
    admin, kgxj = ctx.accounts["admin"], ctx.accounts["kgxj"]
    forestry = accounts.unit_by_name("县林业局")
    lyj = accounts.create_user(admin, "lyj", "Demo2026!", "unit", unit_id=forestry.id,
                               display_name="林业局 邓竹青", is_demo=True)
    town = accounts.unit_by_name("泷泊镇")
    lbz = accounts.create_user(admin, "lbz", "Demo2026!", "unit", unit_id=town.id,
                               display_name="泷泊镇 欧阳秀英", is_demo=True)
    statistics = accounts.unit_by_name("县统计局")
    tjj = accounts.create_user(admin, "tjj", "Demo2026!", "unit", unit_id=statistics.id,
                               display_name="统计局 蒋文华", is_demo=True)
    # The 专班 convener: reads everything, confirms the office's own reports.
    zxz = accounts.create_user(admin, "zxz", "Demo2026!", "leader", display_name="专班召集人 周卫东",
                               is_demo=True)
    ctx.accounts.update({"lyj": lyj, "lbz": lbz, "tjj": tjj, "zxz": zxz})
    reports = _history(plan, admin, kgxj, lyj, forestry) if on >= date(2024, 1, 1) else 0
    operations.refresh_lights(plan, on)
    if on > plan.ends_on:
        operations.close_plan(kgxj, plan, FINAL_EVALUATION, on=on)
        reports += _current(plan, kgxj, admin, lbz, town, on, tjj)
    return {"reports": reports}
