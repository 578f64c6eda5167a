"""Demo: the county's bamboo company as an employer with an HR account (``qiye``), its staff, and
one card application from an eligible employee waiting for the employer's confirmation."""

from sqlalchemy import select

from talent.applications import operations
from talent.auth import operations as accounts
from talent.cards import operations as cards
from talent.commissioners import operations as service_targets
from talent.core.features import DemoContext
from talent.employers import operations as employers
from talent.registry.models import Talent

EMPLOYER = "湖南双牌竹木科技有限公司"


def load(context: DemoContext) -> dict:
    from talent.demo import DEMO_PASSWORD

    org = context.accounts.get("zzb")
    employer = employers.create_employer(
        org,
        {
            "name": EMPLOYER,
            "kind": "enterprise",
            "uscc": "",
            "contact": "人事部 王芳",
            "phone": "0746-7721234",
            "active": True,
            # The commissioners demo registered the company as a service target.
            "service_target_id": service_targets.target_id_by_name(EMPLOYER),
        },
    )
    context.accounts["qiye"] = accounts.create_user(
        None,
        "qiye",
        DEMO_PASSWORD,
        "employer",
        employer_id=employer.id,
        display_name="竹木科技人事部",
        is_demo=True,
    )
    staff = list(db_talents("竹"))
    for talent in staff:
        employers.set_employment(org, talent, employer)
    waiting = next(
        (
            t
            for t in staff
            if cards.active_card(t) is None
            and cards.eligibility(t).eligible
            and operations.open_application(t.id) is None
        ),
        None,
    )
    if waiting is not None:
        operations.apply(org, waiting, employer, "演示：人才办代为提交，待单位确认")
    if employer.service_target_id is not None:
        # Its HR account posts a 技术需求 as the target itself.
        service_targets.create_need(
            context.accounts["qiye"], service_targets.target_for_needs(context.accounts["qiye"],
                                                                       employer.service_target_id),
            {"title": "竹木复合地板甲醛释放检测与降低", "field": "bamboo_wood", "urgency": "normal",
             "description": "新产品需达到E0级，希望得到胶黏剂替代与检测方面的指导。",
             "status": "open", "commissioner_id": None})
    return {"employer": employer.id, "staff": len(staff), "applications": int(waiting is not None)}


def db_talents(word: str):
    """The demo's bamboo people (竹木科技, 竹业, 竹木研究中心 …) all work for the one demo employer."""
    from talent.extensions import db

    return db.session.scalars(
        select(Talent).where(Talent.employer.contains(word), Talent.status == "active").order_by(Talent.id)
    )
