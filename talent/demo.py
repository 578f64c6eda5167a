"""Demo data for a first run: realistic 双牌 talents, one team, an account per role.

Everything here is fictitious; the ID numbers pass the checksum but belong to no one.
"""
import random
from datetime import date, timedelta

from sqlalchemy import func, select
from stdnum.cn import ric

from talent.auth import operations as accounts
from talent.auth.models import User
from talent.core import timeutil
from talent.core.features import DemoContext, run_demo
from talent.extensions import db
from talent.reference import seed_reference
from talent.registry import operations as registry
from talent.registry.models import Talent

DEMO_PASSWORD = "Demo2026!"

# (username, role, unit, display name)
DEMO_ACCOUNTS = [
    ("admin", "admin", None, "系统管理员"),
    ("zzb", "org", "县委组织部", "周敏"),
    ("kgxj", "unit", "县科工信局", "唐志刚"),
    ("zjj", "unit", "县住建局", "蒋丽华"),
    ("wjj", "unit", "县卫健局", "何建平"),
    ("tpy", "commissioner", None, "陈立新"),
    ("rencai", "talent", None, "李明"),
]

SURNAMES = "李王张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢唐蒋邓伍欧阳"
GIVEN = ["明", "建国", "志强", "秀英", "丽华", "海涛", "文军", "晓燕", "国平", "红梅", "立新",
         "卫东", "芳", "敏", "伟", "静", "磊", "婷", "勇", "娟", "湘云", "永红", "泷", "竹青"]
AREAS = ["431123", "431102", "431103", "430104", "430111", "431121", "440305"]

EMPLOYERS = {
    "bamboo_wood": ["湖南双牌竹木科技有限公司", "双牌县竹木初加工集聚区", "湖南泷泊竹业有限公司",
                    "中南林业科技大学双牌竹木研究中心"],
    "biomedicine": ["双牌县虎杖生物科技有限公司", "湖南潇湘源药业有限公司"],
    "new_energy_materials": ["湖南昇宇科技有限公司", "湖南昊利科技有限公司",
                             "双牌县风电配套设备制造有限公司"],
    "modern_agriculture": ["双牌县农业农村局", "双牌野生茶星创天地", "双牌县江村镇果蔬专业合作社",
                           "双牌县林业局"],
    "education": ["双牌县第一中学", "双牌县二中", "双牌县泷泊镇中心学校"],
    "healthcare": ["双牌县人民医院", "双牌县中医医院", "双牌县妇幼保健院"],
    "other": ["双牌县产业开发区管委会", "赋能工坊众创空间"],
}
TITLES = {"senior": ["研究员", "正高级工程师", "主任医师", "正高级教师"],
          "vice_senior": ["高级工程师", "副主任医师", "高级教师", "副研究员"],
          "intermediate": ["工程师", "主治医师", "一级教师", "农艺师"],
          "junior": ["助理工程师", "医师", "二级教师"], "none": [""]}
HONORS = ["湖南省芙蓉学者", "永州市五一劳动奖章", "湖南省技术能手", "双牌县优秀科技工作者",
          "永州市“双百”科技人才", "湖南省青年岗位能手"]

TEAM = {
    "name": "吴义强院士团队竹木复合材料创新工作室",
    "field": "bamboo_wood",
    "introduced_on": date(2023, 4, 18),
    "description": "依托吴义强院士团队创新工作室，开展竹木精深加工、绿色家居制造关键技术攻关。",
}


def resident_id(rng: random.Random, birth: date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "X")


def _talent_values(rng: random.Random, index: int) -> dict:
    field = rng.choice(list(EMPLOYERS))
    male = rng.random() < 0.62
    birth = date(1996, 6, 30) - timedelta(days=rng.randrange(0, 365 * 35))
    title_level = rng.choices(list(TITLES), weights=[1, 3, 4, 2, 2])[0]
    education = rng.choices(["doctorate", "master", "bachelor", "college"], weights=[2, 4, 6, 2])[0]
    source = "introduced" if rng.random() < 0.4 else "local"
    surname = rng.choice(SURNAMES) if index % 9 else "欧阳"
    return {
        "name": surname + rng.choice(GIVEN),
        "gender": "male" if male else "female",
        "id_type": "resident_id",
        "id_number": resident_id(rng, birth, male),
        "nationality": "CN",
        "birth_date": birth,
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        "email": "",
        "education": education,
        "title_level": title_level,
        "title_name": rng.choice(TITLES[title_level]),
        "employer": rng.choice(EMPLOYERS[field]),
        "field": field,
        "category": rng.choice(["leading", "innovator", "young", "engineer", "craftsman", "none"]),
        "source": source,
        "introduced_on": date(2021, 1, 1) + timedelta(days=rng.randrange(0, 1400))
        if source == "introduced" else None,
        "programme_level": rng.choices(["provincial", "municipal", "none"], weights=[1, 3, 12])[0],
        "works_in_county": rng.random() > 0.05,
        "team_id": None,
        "honors": rng.sample(HONORS, rng.choice([0, 0, 1, 2])),
        "status": "active" if rng.random() > 0.08 else "left",
    }


FOREIGN_EXPERT = {
    "name": "Peter Schmidt", "gender": "male", "id_type": "passport", "id_number": "C4XR29157",
    "nationality": "DE", "birth_date": date(1972, 9, 3), "phone": "13974612345",
    "email": "p.schmidt@example.de", "education": "doctorate", "title_level": "senior",
    "title_name": "风电装备首席专家", "employer": "湖南昇宇科技有限公司",
    "field": "new_energy_materials", "category": "leading", "source": "introduced",
    "introduced_on": date(2024, 5, 20), "programme_level": "none", "works_in_county": True,
    "team_id": None, "honors": [], "status": "active",
}

ACADEMIC_LEADER = {
    "name": "李明", "gender": "male", "id_type": "resident_id",
    "id_number": "431123198503150017", "nationality": "CN", "birth_date": date(1985, 3, 15),
    "phone": "13874600001", "email": "liming@example.cn", "education": "doctorate",
    "title_level": "senior", "title_name": "研究员", "employer": "湖南双牌竹木科技有限公司",
    "field": "bamboo_wood", "category": "leading", "source": "introduced",
    "introduced_on": date(2023, 3, 1), "programme_level": "provincial", "works_in_county": True,
    "team_id": None, "honors": ["湖南省芙蓉学者"], "status": "active",
}


def _issue_demo_cards(actor, leader: Talent, count: int = 6) -> None:
    """李明 (the demo talent account) and a few others hold cards; the rest show on the 推荐发放名单."""
    from talent.cards import operations as cards

    cards.issue_card(actor, leader)
    # One card was issued almost three years ago and runs out within 60 days, on whatever day
    # the demo is loaded, so the expiry list and reminders have something to show.
    today = timeutil.today()
    nearly_three_years_ago = today - timedelta(days=3 * 365 + 1 - 45)
    for index, talent in enumerate(db.session.scalars(cards.recommended_query().limit(count - 1))):
        cards.issue_card(actor, talent, on=nearly_three_years_ago if index == 0 else None)


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count(User.id))))


def load_demo(count: int = 40, seed: int = 2026) -> dict:
    """Fill an empty database with demo data; refuses when accounts already exist."""
    if has_data():
        return {"skipped": True}
    seed_reference()
    rng = random.Random(seed)
    admin = accounts.create_user(None, "admin", DEMO_PASSWORD, "admin",
                                 display_name="系统管理员", is_demo=True)
    leader = registry.create_talent(admin, ACADEMIC_LEADER)
    team = registry.create_team(admin, {**TEAM, "leader_id": leader.id})
    registry.update_talent(admin, leader, {**ACADEMIC_LEADER, "team_id": team.id})
    registry.create_talent(admin, FOREIGN_EXPERT)
    numbers = {leader.id_number}
    created = 2
    while created < count:
        values = _talent_values(rng, created)
        if values["id_number"] in numbers:
            continue
        numbers.add(values["id_number"])
        if values["field"] == "bamboo_wood" and rng.random() < 0.4:
            values["team_id"] = team.id
        registry.create_talent(admin, values)
        created += 1
    _issue_demo_cards(admin, leader)
    demo_accounts = {"admin": admin}
    for username, role, unit_name, display in DEMO_ACCOUNTS[1:]:
        unit = accounts.unit_by_name(unit_name) if unit_name else None
        demo_accounts[username] = accounts.create_user(
            admin, username, DEMO_PASSWORD, role, unit_id=unit.id if unit else None,
            talent_id=leader.id if role == "talent" else None, display_name=display, is_demo=True)
    # Then each installed feature adds its own demo records (commissioners, requests, tasks …).
    run_demo(DemoContext(rng=rng, accounts=demo_accounts))
    return {"skipped": False, "talents": db.session.scalar(select(func.count(Talent.id)))}
