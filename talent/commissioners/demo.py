"""Demo data: this year's 县派 round, eight commissioners across levels (the ``tpy`` account is
陈立新), targets in real 双牌 towns, assignments and a few months of service logs.

Names of people and companies are fictitious; the ID numbers and 统一社会信用代码 pass their
checksums but belong to no one.
"""
from datetime import date, timedelta

from sqlalchemy import select
from stdnum.cn import ric
from stdnum.cn import uscc as uscc_number

from talent.commissioners import operations
from talent.commissioners.models import Assignment
from talent.core.features import DemoContext
from talent.core.timeutil import today
from talent.extensions import db

COMMISSIONERS = [
    # name, level, three_regions, employer, expertise, field, account?
    ("陈立新", "county", False, "双牌县农业农村局", "果蔬栽培与病虫害绿色防控", "modern_agriculture", "tpy"),
    ("唐慧敏", "county", False, "双牌县林业局", "竹林培育与林下经济", "bamboo_wood", None),
    ("蒋国平", "county", True, "双牌县畜牧水产事务中心", "生猪与稻田养鱼技术", "modern_agriculture", None),
    ("何秀英", "county", False, "双牌县茶叶产业发展中心", "野生茶采制与品牌", "modern_agriculture", None),
    ("周海涛", "municipal", False, "永州市农业科学研究所", "柑橘品种改良", "modern_agriculture", None),
    ("李文军", "municipal", True, "湖南科技学院", "中药材（虎杖）种植与初加工", "biomedicine", None),
    ("欧阳湘云", "provincial", True, "湖南省林业科学院", "竹木复合材料与竹笋加工", "bamboo_wood", None),
    ("刘志强", "provincial", False, "湖南农业大学", "茶树栽培与茶叶加工", "modern_agriculture", None),
]

TARGETS = [
    # name, kind, town, contact, needs
    ("双牌县江村镇果蔬专业合作社", "cooperative", "江村镇", "唐建华", "脐橙黄龙病防控、果园水肥一体化"),
    ("湖南泷泊竹业有限公司", "enterprise", "泷泊镇", "邓卫东", "竹材防霉处理、竹笋保鲜加工"),
    ("双牌县五里牌镇野生茶专业合作社", "cooperative", "五里牌镇", "何红梅", "野生茶采摘标准与红茶发酵工艺"),
    ("茶林镇桐子坳村", "village", "茶林镇", "蒋永红", "银杏林下种植、乡村旅游农产品开发"),
    ("双牌县何家洞镇生态养殖专业合作社", "cooperative", "何家洞镇", "杨勇", "稻田养鱼、生猪粪污资源化"),
    ("双牌县虎杖生物科技有限公司", "enterprise", "麻江镇", "吴芳", "虎杖规范化种植与白藜芦醇提取"),
    ("上梧江瑶族乡中药材种植专业合作社", "cooperative", "上梧江瑶族乡", "赵静", "黄精、玉竹林下仿野生栽培"),
    ("打鼓坪乡楠竹专业合作社", "cooperative", "打鼓坪乡", "郭磊", "低产竹林改造"),
    ("理家坪乡香芋专业合作社", "cooperative", "理家坪乡", "马娟", ""),
    # The 竹木 company whose HR account (``qiye``, applications demo) also posts its needs.
    ("湖南双牌竹木科技有限公司", "enterprise", "泷泊镇", "王芳", ""),
]

NEEDS = [
    # target index, title, field, urgency, description, commissioner index, state
    (0, "脐橙黄龙病防控", "modern_agriculture", "high",
     "合作社约300亩脐橙园今年发现黄龙病疑似病株，需要识别、清除病株和木虱统防的技术指导。", 0, "matched"),
    (1, "竹材防霉处理", "bamboo_wood", "normal",
     "梅雨季节竹片、竹板霉变，影响出口订单，希望找到低成本的防霉工艺。", 6, "closed"),
    (2, "红茶发酵工艺提升", "modern_agriculture", "normal",
     "野生茶制红茶发酵程度不稳定，希望建立发酵温湿度控制标准。", None, "open"),
    (7, "低产楠竹林改造", "bamboo_wood", "high",
     "全乡约2000亩楠竹林密度过大、出笋少，需要制定改造方案并现场示范。", None, "open"),
    (8, "香芋种苗脱毒与连作障碍", "modern_agriculture", "normal",
     "香芋连作三年后减产明显，想了解脱毒种苗和轮作办法。", None, "open"),
    (5, "虎杖白藜芦醇提取得率偏低", "biomedicine", "low",
     "现有提取线得率低于行业水平，希望科研院所帮助优化工艺参数。", None, "open"),
]

# target index → commissioner index (some targets have two commissioners)
PAIRS = [(0, 0), (0, 4), (1, 1), (1, 6), (2, 3), (2, 7), (3, 0), (4, 2), (5, 5), (6, 5)]

CONTENT = {
    "guidance": ["现场指导修剪与疏果，讲解黄龙病识别要点", "指导竹林施肥与留笋养竹",
                 "查看茶园长势，指导夏秋茶管理", "指导稻田开沟与鱼苗投放"],
    "training": ["举办绿色防控技术培训班", "开展林下经济种植技术培训", "组织茶叶加工技能培训"],
    "demonstration": ["建设水肥一体化示范点", "示范推广竹笋保鲜加工新工艺", "示范推广红茶发酵新工艺"],
    "consulting": ["电话解答病虫害防治问题", "为合作社制定年度技术服务计划"],
    "research": ["与企业联合开展竹材防霉试验", "采集虎杖样品开展有效成分测定"],
}
TECHNOLOGIES = ["水肥一体化", "黄龙病综合防控", "竹笋保鲜", "红茶发酵工艺", "稻田综合种养",
                "林下仿野生栽培", "脐橙新品种‘纽荷尔’", "绿色防控"]


def _uscc(rng, kind: str) -> str:
    """91 = enterprise, 93 = farmers' cooperative; 431123 = 双牌县."""
    body = f"{'93' if kind == 'cooperative' else '91'}431123MA4{rng.randrange(10**5, 10**6)}"
    return body + uscc_number.calc_check_digit(body)


def _id_number(rng, birth: date) -> str:
    body = f"431123{birth:%Y%m%d}{rng.randrange(0, 999):03d}"
    return body + ric.calc_check_digit(body + "X")


def load(ctx: DemoContext) -> dict:
    rng = ctx.rng
    admin = ctx.accounts.get("admin")
    # The season is placed around today, whatever day the demo is loaded: this year's rounds
    # began in March, or five months ago when that is earlier (early in the year the
    # commissioners selected last autumn are already serving), and run at least three more months.
    year = today().year
    starts = min(date(year, 3, 1), today() - timedelta(days=150))
    ends = max(date(year, 12, 31), today() + timedelta(days=90))
    county_round = operations.create_round(admin, {
        "year": year, "level": "county", "name": f"{year}年度县派科技特派员选派",
        "starts_on": starts, "ends_on": ends})
    provincial_round = operations.create_round(admin, {
        "year": year - 1, "level": "provincial", "name": f"{year - 1}年度省派科技特派员（双牌）",
        "starts_on": date(year - 1, 4, 1), "ends_on": date(year + 1, 3, 31)})
    municipal_round = operations.create_round(admin, {
        "year": year, "level": "municipal", "name": f"{year}年度市派科技特派员（双牌）",
        "starts_on": starts + timedelta(days=14), "ends_on": ends})
    rounds = {"county": county_round, "provincial": provincial_round, "municipal": municipal_round}
    commissioners = []
    for name, level, three_regions, employer, expertise, field, account in COMMISSIONERS:
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 9000))
        commissioner = operations.create_commissioner(admin, {
            "name": name, "id_number": _id_number(rng, birth),
            "phone": f"139{rng.randrange(10**7, 10**8)}", "employer": employer,
            "expertise": expertise, "field": field, "level": level, "three_regions": three_regions,
            "talent_id": None, "round_id": rounds[level].id, "status": "active"})
        if account and account in ctx.accounts:
            operations.link_account(admin, commissioner, ctx.accounts[account])
        commissioners.append(commissioner)
    targets = []
    for name, kind, town, contact, _wanted in TARGETS:
        targets.append(operations.create_target(admin, {
            "name": name, "kind": kind,
            "uscc": _uscc(rng, kind) if kind in ("enterprise", "cooperative") else None,
            "uscc_valid": True, "town_id": operations.town_by_name(town).id,
            "address": "", "contact": contact, "phone": f"138{rng.randrange(10**7, 10**8)}"}))
    logs = 0
    for target_index, commissioner_index in PAIRS:
        commissioner = commissioners[commissioner_index]
        assignment = operations.create_assignment(admin, {
            "commissioner_id": commissioner.id, "target_id": targets[target_index].id,
            "starts_on": starts, "ends_on": ends,
            "needs": TARGETS[target_index][4], "status": "active"})
        # A few months of logs, older ones confirmed; the idle commissioner (何秀英) stops early.
        day = max(starts, today() - timedelta(days=120))
        last = today() - timedelta(days=45 if commissioner.name == "何秀英" else 1)
        while day <= last:
            kind = rng.choice(list(CONTENT))
            log, _created = operations.create_log(admin, assignment, {
                "served_on": day, "kind": kind, "content": rng.choice(CONTENT[kind]),
                "hours": rng.choice([2, 3, 4, 6, 8]),
                "trained_count": rng.randrange(15, 60) if kind == "training" else 0,
                "technologies": rng.sample(TECHNOLOGIES, rng.choice([0, 1, 2])),
                "location": targets[target_index].name})
            if day < today() - timedelta(days=14):
                operations.confirm_log(ctx.accounts.get("kgxj", admin), log)
            logs += 1
            day += timedelta(days=rng.randrange(7, 16))
    needs = _needs(ctx, admin, commissioners, targets)
    operations.create_project(admin, {
        "name": "双牌县竹笋保鲜加工关键技术示范与推广", "level": "provincial",
        "kind": "rural_revitalization", "year": year, "funding": 30.0,
        "commissioner_id": commissioners[6].id, "target_id": targets[1].id, "status": "approved"})
    operations.create_project(admin, {
        "name": "双牌野生茶标准化采制技术集成示范", "level": "municipal", "kind": "other",
        "year": year, "funding": 10.0, "commissioner_id": commissioners[7].id,
        "target_id": targets[2].id, "status": "applied"})
    return {"commissioners": len(commissioners), "targets": len(targets), "logs": logs,
            "needs": needs}


def _needs(ctx: DemoContext, admin, commissioners, targets) -> int:
    """Needs in each state: open ones waiting for a match (with suggestions), a matched one a
    log is answering, and one closed by the confirmed log that settled it."""
    clerk = ctx.accounts.get("kgxj", admin)
    for target_index, title, field, urgency, description, who, state in NEEDS:
        need = operations.create_need(clerk, targets[target_index], {
            "title": title, "field": field, "urgency": urgency, "description": description,
            "status": "open", "commissioner_id": None})
        if who is None:
            continue
        commissioner = commissioners[who]
        operations.update_need(clerk, need, {"commissioner_id": commissioner.id}, None)
        assignment = next(a for a in db.session.scalars(select(Assignment).where(
            Assignment.commissioner_id == commissioner.id,
            Assignment.target_id == targets[target_index].id)))
        done = state == "closed"
        log, _created = operations.create_log(admin, assignment, {
            "served_on": today() - timedelta(days=20 if done else 3), "kind": "guidance",
            "content": f"针对“{title}”现场查看并提出处理方案", "hours": 4,
            "trained_count": 0, "technologies": [], "location": targets[target_index].name,
            "need_id": need.id, "need_done": done})
        if done:
            operations.confirm_log(clerk, log)
    return len(NEEDS)
