from flask import url_for

from talent.allowances import api, demo, openapi, operations, views
from talent.allowances.metrics import paid_total, talents_paid
from talent.allowances.models import PERIODS, STATUSES
from talent.core.features import Feature, MenuEntry, Metric
from talent.core.permissions import Permission

feature = Feature(
    name="allowances",
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("allowances.mine", "我的津贴补贴", "cash-coin", Permission.PORTAL, order=4),
        MenuEntry(
            "allowances.claim_list",
            "津贴补贴申请",
            "cash-coin",
            Permission.ALLOWANCES,
            order=40,
            group="津贴补贴",
            visible=lambda user: user.role != "talent",
        ),
        MenuEntry(
            "allowances.ledger_page",
            "津贴补贴台账",
            "journal-text",
            Permission.ALLOWANCES_LEDGER,
            order=41,
            group="津贴补贴",
        ),
        MenuEntry(
            "allowances.policy_list",
            "津贴补贴政策",
            "file-earmark-text",
            Permission.ALLOWANCE_POLICIES_MANAGE,
            order=42,
            group="津贴补贴",
        ),
    ),
    audit_objects={"allowance_policies": "津贴补贴政策", "allowance_claims": "津贴补贴申请"},
    audit_actions={"transition": "办理", "stop": "停发"},
    audit_fields=lambda: {"allowance_policies": views.FIELD_LABELS, "allowance_claims": views.FIELD_LABELS},
    audit_values={("allowance_policies", "period"): PERIODS, ("allowance_claims", "status"): STATUSES},
    openapi=openapi.openapi,
    daily=operations.stop_daily,
    demo=demo.load,
    metrics={
        "allowances.paid_total": Metric(
            "人才津贴补贴发放金额",
            "万元",
            paid_total,
            link=lambda year: url_for("allowances.ledger_page", year=year),
        ),
        "allowances.talents_paid": Metric(
            "获发津贴补贴的人才",
            "人",
            talents_paid,
            link=lambda year: url_for("allowances.ledger_page", year=year),
        ),
    },
)
