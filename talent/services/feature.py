from flask import url_for

from talent.core.features import Feature, MenuEntry, Metric, Panel
from talent.core.forms import form_labels
from talent.core.permissions import Permission
from talent.services import api, demo, openapi, operations, portal, views
from talent.services.forms import ServiceTypeForm
from talent.services.models import STATUSES


def _queue_panel(user):
    if not user.can(Permission.SERVICES_HANDLE):
        return None
    return {"counts": operations.queue_counts(user),
            "scope": user.unit.name if user.role == "unit" and user.unit else "全县"}


def _daily(today) -> dict[str, int]:
    """``flask sweep``: mark requests that became overdue and notify their units (idempotent)."""
    result = operations.sweep(today)
    return {"新超期申请": result["overdue"], "超期提醒": result["notified"]}


def _year_link(year: int) -> str:
    return url_for("services.figures", start=f"{year}-01-01", end=f"{year}-12-31")


feature = Feature(
    name="services",
    blueprints=(views.bp, portal.bp),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("my_services.index", "我的申请", "chat-square-text", Permission.PORTAL, order=2),
        MenuEntry("services.queue", "服务申请", "inboxes", Permission.SERVICES_HANDLE, order=30,
                  group="服务申请"),
        MenuEntry("services.figures", "服务统计", "bar-chart", Permission.SERVICES_FIGURES, order=31,
                  group="服务申请"),
        MenuEntry("services.types", "服务事项", "list-check", Permission.SERVICES_CONFIGURE, order=92,
                  group="系统管理"),
    ),
    panels=(Panel("services/panels/queue.html", _queue_panel, order=30, own_work=True),),
    audit_objects={"service_requests": "服务申请", "service_types": "服务事项",
                   "workday_overrides": "节假日调整"},
    audit_actions={"accept": "受理", "reject": "不予受理", "start": "开始办理", "ask_materials": "要求补件",
                   "supply": "补充材料", "complete": "办结", "transfer": "转交", "withdraw": "撤回",
                   "reopen": "重新办理", "rate": "评价", "calendar": "设置节假日"},
    audit_fields=lambda: {"service_types": form_labels(ServiceTypeForm),
                          "service_requests": views.FIELD_LABELS,
                          "workday_overrides": {"day": "日期", "is_workday": "是否工作日", "note": "说明"}},
    audit_values={("service_requests", "status"): STATUSES},
    openapi=openapi.openapi,
    seed=operations.seed_types,
    demo=demo.load,
    metrics={
        "services.on_time_rate": Metric("服务申请按时办结率", "%", operations.on_time_rate, link=_year_link),
        "services.completed": Metric("服务申请办结数", "件", operations.completed_count, link=_year_link),
        "services.received": Metric("服务申请受理数", "件", operations.received_count, link=_year_link),
    },
    daily=_daily,
    rebuild=lambda: {"service_figures": operations.daily_figures.rebuild()},
)
