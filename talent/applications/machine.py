"""The ways an application may move: ONE table. ``to`` in the API names the target state.

Who:
- ``applicant`` the talent the application is for;
- ``employer``  an account of the employer named on the application;
- ``org``       县委组织部 (and the administrator).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str
    who: frozenset[str]
    note_required: bool = False
    note_label: str = "说明"
    style: str = "primary"


MOVES: dict[str, Move] = {m.target: m for m in (
    Move("confirm", "确认为本单位人员", ("submitted",), "confirmed", frozenset({"employer"}),
         note_label="确认意见", style="success"),
    Move("decline", "不予确认", ("submitted",), "declined", frozenset({"employer"}),
         note_required=True, note_label="不予确认的理由", style="danger"),
    Move("approve", "批准发卡", ("confirmed",), "approved", frozenset({"org"}),
         note_label="审核意见", style="success"),
    Move("return", "退回修改", ("confirmed",), "returned", frozenset({"org"}),
         note_required=True, note_label="退回的原因和需要补充的内容", style="warning"),
    Move("reject", "不予通过", ("confirmed",), "rejected", frozenset({"org"}),
         note_required=True, note_label="不予通过的理由", style="danger"),
    Move("resubmit", "重新提交", ("returned",), "submitted", frozenset({"applicant", "employer", "org"}),
         note_label="修改说明"),
    Move("withdraw", "撤回申请", ("submitted", "confirmed", "returned"), "withdrawn",
         frozenset({"applicant"}), note_label="撤回原因", style="secondary"),
)}

TARGETS = tuple(MOVES)

STEP_TEXT = {
    "apply": "提交申请",
    "apply_for": "代为提交申请",
    "confirm": "用人单位已确认",
    "decline": "用人单位不予确认",
    "approve": "组织部批准，已发卡",
    "return": "组织部退回修改",
    "reject": "组织部审核未通过",
    "resubmit": "重新提交",
    "withdraw": "撤回申请",
    "material": "补充材料",
}


def roles_of(user, application) -> set[str]:
    """What ``user`` is to ``application`` (an account may be none of these)."""
    roles = set()
    if user is None:
        return roles
    if user.role == "talent" and user.talent_id == application.talent_id:
        roles.add("applicant")
    if user.role == "employer" and user.employer_id == application.employer_id:
        roles.add("employer")
    if user.role in ("org", "admin"):
        roles.add("org")
    return roles


def moves_for(user, application) -> list[Move]:
    roles = roles_of(user, application)
    return [m for m in MOVES.values() if application.status in m.sources and m.who & roles]
