"""Demo data: a few months of reports on the seed plan, confirmations, a return and a 督办单."""
from datetime import timedelta

from sqlalchemy import select

from talent.auth import operations as accounts
from talent.core.features import DemoContext
from talent.core.timeutil import today
from talent.extensions import db
from talent.tasks import operations, seed_plan
from talent.tasks.models import TaskItem, TaskPlan


def load(ctx: DemoContext) -> dict:
    plan = db.session.scalar(select(TaskPlan).where(TaskPlan.name == seed_plan.PLAN_NAME))
    if plan is None:
        return {"reports": 0}
    admin, kgxj = ctx.accounts["admin"], ctx.accounts["kgxj"]
    forestry = accounts.unit_by_name("县林业局")
    lyj = accounts.create_user(admin, "lyj", "Demo2026!", "unit", unit_id=forestry.id,
                               display_name="林业局 邓竹青", is_demo=True)
    ctx.accounts["lyj"] = lyj
    items = {item.code: item for item in plan.items}

    def values(item: TaskItem, share: float) -> dict[int, float]:
        money = ("亿元", "万元")
        return {i.id: round(i.target * share, 2) if i.measure in money else float(round(i.target * share))
                for i in operations.reportable_indicators(item) if i.target is not None}

    reports = 0
    for month, share in ((3, 0.2), (6, 0.45), (9, 0.7)):
        period = f"2023-{month:02d}"
        for code in ("2.1", "2.3", "4.1"):
            item = items[code]
            unit = item.lead_units[0] if code != "2.3" else item.responsible_units[1]
            report = operations.submit_report(admin, item, unit, period,
                                              f"{unit.name}按计划推进{item.title}，{period}完成阶段任务。",
                                              values(item, share),
                                              "部分企业申报材料准备不足" if code == "2.1" else "")
            operations.review_report(kgxj if code != "2.3" else admin, report, True)
            reports += 1
    item = items["1.1"]
    operations.submit_report(lyj, item, forestry, "2023-06", "推进竹木初加工集聚区建设，完成选址论证。",
                             {}, "集聚区用地指标尚未落实")
    returned = operations.submit_report(admin, items["3.2"], items["3.2"].responsible_units[0], "2023-06",
                                        "开展星创天地申报辅导。", values(items["3.2"], 0.3))
    operations.review_report(kgxj, returned, False, "请补充众创空间申报进展和佐证材料")
    operations.issue_directive(kgxj, items["2.1"], items["2.1"].lead_units[0],
                               "技术合同交易额、科技型中小企业入库数离目标差距较大，请说明原因并提出整改措施。",
                               today() + timedelta(days=7))
    operations.refresh_lights(plan)
    return {"reports": reports + 2}
