"""Demo recommendations over the last three years (relative to today, so the demo is the same
whatever year it is loaded in): one selection raises a level and makes a card upgradeable."""
from datetime import date

from sqlalchemy import select

from talent.cards import operations as cards
from talent.cards.models import Card
from talent.core.features import DemoContext
from talent.core.timeutil import today
from talent.extensions import db
from talent.programmes import operations
from talent.programmes.models import Programme
from talent.registry.models import Talent

DEADLINES = {"national": (3, 31), "provincial": (4, 30), "municipal": (6, 30)}


def _programme(name_part: str) -> Programme:
    return db.session.scalar(select(Programme).where(Programme.name.contains(name_part)))


def _c_card_holder(actor, exclude: set[int]) -> Talent | None:
    """A holder of a C card below the provincial level (one is issued if the demo has none)."""
    query = (select(Talent).join(Card, Card.talent_id == Talent.id)
             .where(Card.status == "active", Card.tier == "C",
                    Talent.programme_level.in_(("none", "municipal")), Talent.id.not_in(exclude))
             .order_by(Talent.id).limit(1))
    holder = db.session.scalar(query)
    if holder is not None:
        return holder
    for talent in db.session.scalars(cards.recommended_query().limit(200)):
        if talent.id not in exclude and talent.programme_level in ("none", "municipal") \
                and cards.eligibility(talent).tier == "C":
            cards.issue_card(actor, talent)
            return talent
    return None


def load(ctx: DemoContext) -> dict:
    actor = ctx.accounts.get("zzb") or ctx.accounts.get("admin")
    leader_id = getattr(ctx.accounts.get("rencai"), "talent_id", None)
    this_year = today().year
    years = [this_year - 2, this_year - 1, this_year]
    two_ago, last, this = years
    programmes = {key: _programme(key) for key in ("国家级", "芙蓉", "湖湘青年英才", "双百")}
    for programme in programmes.values():
        month, day = DEADLINES[programme.level]
        for year in years:
            operations.save_call(actor, programme, year, date(year, month, day), "按当年申报通知")
    candidates = list(db.session.scalars(
        select(Talent).where(Talent.status == "active", Talent.works_in_county.is_(True),
                             Talent.programme_level == "none",
                             Talent.id != (leader_id or 0),
                             ~select(Card.id).where(Card.talent_id == Talent.id).exists())
        .order_by(Talent.id)))
    ctx.rng.shuffle(candidates)
    used = {leader_id} if leader_id else set()
    upgrade = _c_card_holder(actor, used)
    if upgrade is not None:
        used.add(upgrade.id)
    others = [t for t in candidates if t.id not in used][:4]

    def decided(year: int, month: int, day: int) -> date:
        return min(date(year, month, day), today())

    plan = []
    if leader_id:
        plan += [(leader_id, "芙蓉", two_ago, "top_ten", "依托市十大科技创新项目“竹木复合材料绿色制造”挖掘",
                  "selected", decided(two_ago, 9, 20), f"湘人才办〔{two_ago}〕18号"),
                 (leader_id, "国家级", this, "top_ten",
                  "竹木精深加工关键技术带头人，优先推荐申报国家级人才项目",
                  "pending", None, "")]
    if len(others) > 0:
        plan.append((others[0].id, "双百", two_ago, "joint_fund", "省市自科联合基金项目负责人",
                     "selected", decided(two_ago, 11, 15), f"永人才〔{two_ago}〕9号"))
    if len(others) > 1:
        plan.append((others[1].id, "湖湘青年英才", last, "open_competition", "揭榜挂帅项目技术骨干",
                     "not_selected", decided(last, 10, 10), ""))
    if len(others) > 2:
        plan.append((others[2].id, "双百", last, "other",
                     "县科工信局推荐的企业技术骨干，本人因工作调整申请撤回",
                     "withdrawn", None, ""))
    if len(others) > 3:
        plan.append((others[3].id, "湖湘青年英才", this, "joint_fund", "省市自科联合基金青年项目主持人",
                     "pending", None, ""))
    if upgrade is not None:
        plan.append((upgrade.id, "湖湘青年英才", this, "top_ten", "市十大科技创新项目核心成员",
                     "selected", decided(this, 10, 16), f"湘科人〔{this}〕21号"))
    made = 0
    for talent_id, programme_key, year, source, note, outcome, decided_on, document_no in plan:
        operations.recommend(actor, {
            "talent_id": talent_id, "programme_id": programmes[programme_key].id, "year": year,
            "source": source, "note": note, "outcome": outcome, "decided_on": decided_on,
            "document_no": document_no})
        made += 1
    db.session.flush()
    return {"recommendations": made}
