"""The state machine of a service request: ONE table of allowed moves.

Each move says from which states it may be made, the state it leads to (None: the state stays,
as in a transfer), who may make it and whether a note is required. Anything not in the table is
refused; the operations read nothing else.

Who:
- ``talent``  the talent the request belongs to;
- ``handler`` staff of the unit handling the request now;
- ``org``     县委组织部 staff (they see every request and act for talents who phone in);
- ``admin``.
"""
from dataclasses import dataclass

from talent.services.models import STATUSES


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (transfer)
    who: frozenset[str]
    note_required: bool = False
    note_label: str = "说明"
    style: str = "primary"


def _who(*roles: str) -> frozenset[str]:
    return frozenset(roles)


MOVES: dict[str, Move] = {m.name: m for m in (
    Move("accept", "受理", ("submitted",), "accepted", _who("handler", "admin")),
    Move("reject", "不予受理", ("submitted", "waiting_materials"), "rejected",
         _who("handler", "admin"), note_required=True, note_label="不予受理的理由", style="danger"),
    Move("start", "开始办理", ("accepted",), "in_progress", _who("handler", "admin")),
    Move("ask_materials", "要求补件", ("accepted", "in_progress"), "waiting_materials",
         _who("handler", "admin"), note_required=True, note_label="需要补充的材料",
         style="warning"),
    Move("supply", "已补充材料", ("waiting_materials",), "in_progress", _who("talent", "org"),
         note_label="补充说明"),
    Move("complete", "办结", ("accepted", "in_progress"), "completed", _who("handler", "admin"),
         note_required=True, note_label="办理结果", style="success"),
    Move("transfer", "转交其他单位", ("submitted", "accepted", "in_progress", "waiting_materials"),
         None, _who("handler", "org", "admin"), note_required=True, note_label="转交理由",
         style="secondary"),
    Move("withdraw", "撤回申请", ("submitted",), "withdrawn", _who("talent", "org"),
         note_label="撤回原因", style="secondary"),
    Move("reopen", "重新办理", ("completed",), "in_progress", _who("talent", "org"),
         note_required=True, note_label="重新办理的原因", style="warning"),
)}

# A completed request may be reopened within this many calendar days of completion.
REOPEN_DAYS = 15

# How the talent reads each line of the timeline.
EVENT_TEXT = {
    "file": "提交申请",
    "file_for": "人才办代为提交申请",
    "accept": "已受理",
    "reject": "不予受理",
    "start": "开始办理",
    "ask_materials": "需要补充材料",
    "supply": "已补充材料",
    "complete": "已办结",
    "transfer": "转交办理",
    "withdraw": "已撤回申请",
    "reopen": "申请重新办理",
    "rate": "评价",
    "reply": "回复",
    "note": "内部备注",
    "overdue": "已超过办理时限",
}


def find_move(current: str, to: str) -> Move | None:
    """The move ``to`` names: a move's name, or the state it leads to from ``current``."""
    if to in MOVES:
        return MOVES[to]
    for move in MOVES.values():
        if move.target == to and current in move.sources:
            return move
    return None


def state_label(status: str) -> str:
    return STATUSES.get(status, status)
