from talent.applications import api, demo, openapi, operations, views
from talent.applications.models import STARTED_BY, STATUSES
from talent.core.features import Feature, MenuEntry, Panel
from talent.core.permissions import Permission
from talent.extensions import db


def _waiting_panel(user):
    """What awaits this account: the employer's confirmations, 组织部's reviews."""
    waiting = {"employer": "submitted", "org": "confirmed"}.get(user.role)
    if waiting is None:
        return None
    query = operations.visible_to(user).where(operations.CardApplication.status == waiting)
    count = db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0
    return {"count": count, "status": waiting, "label": STATUSES[waiting]}


feature = Feature(
    name="applications",
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("applications.apply_page", "申请VIP卡", "credit-card", Permission.PORTAL, order=3),
        MenuEntry("applications.queue", "VIP卡申请", "inboxes", Permission.CARD_APPLICATIONS_DESK, order=16,
                  group="VIP卡"),
        MenuEntry("applications.figures", "VIP卡申请统计", "bar-chart", Permission.CARD_APPLICATIONS_REVIEW,
                  order=17, group="VIP卡"),
    ),
    panels=(Panel("applications/panels/waiting.html", _waiting_panel, order=20),),
    audit_objects={"card_applications": "VIP卡申请"},
    audit_actions={"confirm": "单位确认", "decline": "单位不予确认", "approve": "批准发卡",
                   "return": "退回修改", "reject": "不予通过", "resubmit": "重新提交", "withdraw": "撤回",
                   "material": "补充材料"},
    audit_fields=lambda: {"card_applications": views.FIELD_LABELS},
    audit_values={("card_applications", "status"): STATUSES, ("card_applications", "started_by"): STARTED_BY},
    openapi=openapi.openapi,
    demo=demo.load,
)
