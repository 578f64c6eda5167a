"""Demo requests: every type, several states, one overdue, one waiting for materials, one rated;
李明 (rencai) has some, 县住建局 (zjj) and 县卫健局 (wjj) have queues."""
from datetime import date, timedelta

from sqlalchemy import select

from talent.core import timeutil
from talent.extensions import db
from talent.registry.models import Talent
from talent.services import operations as services
from talent.services.models import ServiceRequest


def load(ctx) -> dict:
    accounts = ctx.accounts
    rencai, zzb, zjj, wjj = (accounts.get(n) for n in ("rencai", "zzb", "zjj", "wjj"))
    kgxj, admin = accounts.get("kgxj"), accounts.get("admin")
    if rencai is None or zzb is None or rencai.talent_id is None:
        return {"requests": 0}
    today = timeutil.today()
    leader = db.session.get(Talent, rencai.talent_id)
    others = list(db.session.scalars(select(Talent).where(Talent.status == "active", Talent.id != leader.id)
                                     .order_by(Talent.id).limit(12)))
    holders = [t for t in others if services.valid_card(t, today) is not None]
    plain = [t for t in others if t not in holders] or others
    foreign = next((t for t in others if t.nationality != "CN"), plain[0])

    def day(n: int):
        """``n`` days ago, but not before New Year: the demo's requests belong to this year, on
        whatever day it is loaded (early in January the story is told in fewer days)."""
        return max(today - timedelta(days=n), date(today.year, 1, 1))

    def file(actor, talent, code, title, text, on):
        return services.file_request(actor, talent, services.type_by_code(code), title, text, today=on)

    def move(actor, req: ServiceRequest, to: str, on, note: str = "", **extra):
        services.transition(actor, req, to, note, req.version, today=on, **extra)

    made = []
    # 李明 (A card): housing waiting for materials, medical completed and rated, education just filed.
    housing = file(rencai, leader, "housing", "申请入住县人才公寓", "本人2023年引进，现租住在泷泊镇，"
                   "申请入住县人才公寓（三室一厅），家属两人随迁。", day(12))
    move(zjj, housing, "accept", day(11))
    move(zjj, housing, "start", day(10))
    move(zjj, housing, "ask_materials", day(6), "请补充：家属户口簿复印件、现住房租赁合同。")
    medical = file(rencai, leader, "medical", "预约年度健康体检",
                   "希望预约县人民医院年度体检，时间在周末为宜。", day(25))
    move(wjj, medical, "accept", day(24))
    move(wjj, medical, "complete", day(20), "已预约县人民医院体检中心，周六上午8:00，凭VIP卡免费。")
    services.rate(rencai, medical, 5, "安排很快，体检中心接待热情。")
    education = file(rencai, leader, "education", "孩子小学转学", "孩子现读二年级，申请转入泷泊镇中心学校。",
                     today)
    made += [housing, medical, education]
    if len(plain) >= 4:
        # 县住建局's queue: one overdue for acceptance, one in progress, one transferred to 人才办.
        made.append(file(zzb, plain[0], "housing", "申请租房补贴", "在县城租房，申请人才租房补贴。", day(9)))
        progress = file(zzb, plain[1], "housing", "人才公寓维修", "公寓热水器损坏，请协调维修。", day(5))
        move(zjj, progress, "accept", day(4))
        move(zjj, progress, "start", day(3))
        move(zjj, progress, "complete", day(1), "已联系物业更换热水器。")
        move(zzb, progress, "reopen", today, "热水器仍然漏水，请再看一下。")
        transferred = file(zzb, plain[2], "housing", "购房补贴咨询",
                           "首次在县城购房，咨询人才购房补贴。", day(3))
        move(zjj, transferred, "transfer", day(2), "购房补贴由县委组织部人才办统一审核发放。",
             unit_id=services.type_by_code("subsidy").unit_id)
        made += [progress, transferred]
        rejected = file(zzb, plain[3], "education", "子女跨县入学", "孩子户籍在永州市区，申请在双牌县就读。",
                        day(8))
        move(admin, rejected, "reject", day(7),
             "该生户籍与监护人工作均不在本县教育局受理范围，请向永州市教育局咨询。")
        made.append(rejected)
        made.append(file(zzb, plain[0], "title_review", "正高级工程师职称申报",
                         f"申报{today.year}年度正高级工程师，请协助审核申报材料。", day(1)))
        subsidy = file(zzb, plain[1], "subsidy", "引进人才生活补贴",
                       "2024年引进的硕士，申请生活补贴。", day(15))
        move(zzb, subsidy, "accept", day(14))
        move(zzb, subsidy, "complete", day(4), "补贴已审核，将于本月发放至本人社保卡账户。")
        made.append(subsidy)
    residence = file(zzb, foreign, "foreign_residence", "外国人工作许可延期",
                     "工作许可将于明年3月到期，申请延期。", day(6))
    if kgxj is not None:
        move(kgxj, residence, "accept", day(5))
        move(kgxj, residence, "start", day(5))
    made.append(residence)
    for holder in holders[:2]:
        made.append(file(zzb, holder, "medical", "就医绿色通道",
                         "家属需在县人民医院骨科复诊，申请绿色通道。", day(2)))
    swept = services.sweep(today)
    return {"requests": len(made), "overdue": swept["overdue"]}
