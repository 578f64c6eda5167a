"""Coded values of the commissioner module and their Chinese labels (API values are the keys)."""
from talent.registry.choices import FIELDS  # noqa: F401  (same choices as talents)

# The unit whose staff manage commissioners.
BUREAU = "县科工信局"

LEVELS = {"provincial": "省派", "municipal": "市派", "county": "县派"}
STATUSES = {"active": "在岗", "ended": "已期满"}
TARGET_KINDS = {"enterprise": "企业", "cooperative": "专业合作社", "village": "村", "other": "其他"}
ASSIGNMENT_STATUSES = {"active": "服务中", "ended": "已结束"}
LOG_KINDS = {
    "research": "技术研发",
    "guidance": "技术指导",
    "demonstration": "示范推广",
    "training": "培训授课",
    "consulting": "咨询服务",
}
LOG_STATUSES = {"submitted": "待确认", "confirmed": "已确认", "returned": "已退回"}
PROJECT_LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}
PROJECT_KINDS = {
    "rural_revitalization": "科技特派员服务乡村振兴科技项目",
    "other": "其他科技项目",
}
PROJECT_STATUSES = {"applied": "申报中", "approved": "已立项", "completed": "已结题",
                    "rejected": "未立项"}
NEED_STATUSES = {"open": "待对接", "matched": "已对接", "closed": "已解决"}
URGENCIES = {"low": "不急", "normal": "一般", "high": "紧急"}
WON_PROJECT_STATUSES = ("approved", "completed")
GRADES = {"excellent": "优秀", "pass": "合格", "basic_pass": "基本合格", "fail": "不合格"}

# 双牌县's towns and townships (6 镇, 5 乡) and the 阳明山 management bureau, in official order.
TOWNS = [
    ("泷泊镇", "town"), ("江村镇", "town"), ("五里牌镇", "town"), ("茶林镇", "town"),
    ("何家洞镇", "town"), ("麻江镇", "town"),
    ("塘底乡", "township"), ("上梧江瑶族乡", "township"), ("理家坪乡", "township"),
    ("五星岭乡", "township"), ("打鼓坪乡", "township"),
    ("阳明山管理局", "bureau"),
]
TOWN_KINDS = {"town": "镇", "township": "乡", "bureau": "管理局"}

CHOICE_SETS = {
    "level": LEVELS,
    "status": STATUSES,
    "kind": TARGET_KINDS,
    "log_kind": LOG_KINDS,
    "assignment_status": ASSIGNMENT_STATUSES,
    "log_status": LOG_STATUSES,
    "project_level": PROJECT_LEVELS,
    "project_kind": PROJECT_KINDS,
    "project_status": PROJECT_STATUSES,
    "grade": GRADES,
    "need_status": NEED_STATUSES,
    "urgency": URGENCIES,
}


def sql_in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def options(values: dict, blank: str | None = None) -> list[tuple]:
    pairs = list(values.items())
    return [("", blank), *pairs] if blank else pairs
