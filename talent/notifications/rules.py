"""Who gets which notice on which channel, and what the message outside the browser says.

Groups of notices (a notification's ``kind`` falls in one) and the defaults an account has until it
chooses otherwise: talents get SMS and e-mail about their requests and their card; staff get SMS
and e-mail only for 督办 and overdue requests — the rest reaches their unit's work-group robot,
if the admin set one. Units' robots receive 督办, 催报 and overdue notices.

PIPL's minimum necessary: an SMS or e-mail carries the notice's title only (never its body, where
descriptions, comments and names sit), with ID-number-like digit runs masked, plus a link built
from ``PUBLIC_BASE_URL``: "您的申请 FW-2026-000013 已受理，请登录查看 https://…".
"""
import re
from datetime import datetime, time, timedelta

from flask import current_app

from talent.core import timeutil

GROUPS = {
    "service": "服务申请",
    "card": "VIP卡、待遇、津贴补贴与档案",
    "directive": "督办",
    "overdue": "超期提醒",
    "reminder": "催报",
    "other": "其他通知",
}
KIND_GROUPS = {
    "service": "service",
    "rating_invite": "service",
    "card_expiry": "card",
    "card_upgrade": "card",
    "benefit_redeemed": "card",
    "correction": "card",
    "programmes": "card",
    "allowance": "card",  # 津贴补贴: filed for them, returned, refused, paid, stopped
    "card_application": "card",  # the VIP card applied for online
    "task_directive": "directive",
    "service_overdue": "overdue",
    "task_reminder": "reminder",
}
STAFF_ROLES = ("admin", "org", "unit", "leader", "employer")
# (sms, email) per group until the account chooses
TALENT_DEFAULTS = {"service": (True, True), "card": (True, True)}
STAFF_DEFAULTS = {"directive": (True, True), "overdue": (True, True)}
OTHER_DEFAULTS = {"other": (False, True)}  # commissioners: returned logs and the like by e-mail
UNIT_ROBOT_GROUPS = ("directive", "reminder", "overdue")
# Titles of these kinds carry someone's free text after the colon (a reviewer's comment).
FREE_TEXT_KINDS = ("task_report",)

QUIET_START, QUIET_END = time(22, 0), time(8, 0)
ID_LIKE = re.compile(r"\d{6,}[\dXx]*")


def group_of(kind: str) -> str:
    return KIND_GROUPS.get(kind or "", "other")


def default_channels(user, group: str) -> tuple[bool, bool]:
    if user.role == "talent":
        table = TALENT_DEFAULTS
    elif user.role in STAFF_ROLES:
        table = STAFF_DEFAULTS
    else:
        table = OTHER_DEFAULTS
    return table.get(group, (False, False))


def outside_text(title: str, kind: str) -> str:
    """The title as it may leave the system: no free text, no long digit runs (an ID number, a
    bank account); request numbers (FW-2026-000013) keep their dashes and stay readable."""
    if kind in FREE_TEXT_KINDS:
        title = title.split("：", 1)[0]
    return ID_LIKE.sub(lambda m: m.group(0) if len(m.group(0)) <= 6 else "*" * 4, title).strip()[:120]


def public_link(link: str) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}{link}" if base and link else base


def sms_text(title: str, kind: str, link: str) -> str:
    url = public_link(link)
    return f"{outside_text(title, kind)}，请登录泷泊英才查看" + (f" {url}" if url else "")


def email_text(title: str, kind: str, link: str) -> str:
    url = public_link(link)
    return (f"{outside_text(title, kind)}。\n\n请登录泷泊英才人才服务系统查看详情"
            + (f"：{url}" if url else "。") + "\n\n本邮件由系统自动发送，请勿直接回复。")


def in_quiet_hours(moment_utc: datetime) -> bool:
    local = timeutil.to_local(moment_utc).time()
    return local >= QUIET_START or local < QUIET_END


def quiet_hours_end(moment_utc: datetime) -> datetime:
    """The next 08:00 in the county after ``moment_utc``, as naive UTC; the moment itself outside
    quiet hours."""
    if not in_quiet_hours(moment_utc):
        return moment_utc
    local = timeutil.to_local(moment_utc)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return timeutil.utc_start_of(day) + timedelta(hours=QUIET_END.hour)


def daily_cap() -> int:
    return int(current_app.config.get("SMS_DAILY_CAP") or 0)
