from flask import url_for

from talent.core.features import Feature, MenuEntry, Metric, Panel
from talent.core.permissions import Permission
from talent.extensions import db
from talent.registry import api, choices, figures, openapi, operations, photos, views
from talent.registry.models import Talent, Team


def _summary_panel(user):
    if not user.can(Permission.TALENTS_READ):
        return None
    return {"summary": operations.talent_summary()}


def _name_of(model):
    def lookup(value):
        obj = db.session.get(model, value) if str(value).isdigit() else None
        return obj.name if obj is not None else None

    return lookup


def _corrections_panel(user):
    if not user.can(Permission.TALENTS_WRITE):
        return None
    pending = operations.pending_corrections_count()
    return {"pending": pending} if pending else None


feature = Feature(
    name="registry",
    blueprints=(views.bp, photos.bp),

    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("registry.talent_list", "人才信息库", "people", Permission.TALENTS_READ, order=10,
                  group="人才库"),
        MenuEntry("registry.team_list", "人才团队", "diagram-3", Permission.TALENTS_READ, order=11,
                  group="人才库"),
    ),
    panels=(Panel("registry/panels/corrections.html", _corrections_panel, order=5),
            Panel("registry/panels/summary.html", _summary_panel, order=10)),
    audit_objects={"talents": "人才", "teams": "人才团队", "correction_requests": "更正申请"},
    audit_actions={"leave": "标记离开", "photo": "更换照片", "photo_submit": "提交照片",
                   "photo_approve": "采用照片", "photo_reject": "退回照片"},
    audit_fields=lambda: {"talents": views.FIELD_LABELS, "teams": views.TEAM_FIELD_LABELS},
    audit_values={**{("*", kind): labels for kind, labels in choices.CHOICE_SETS.items()},
                  ("*", "nationality"): choices.NATIONALITIES},
    audit_references={("*", "team_id"): _name_of(Team), ("*", "talent_id"): _name_of(Talent),
                      ("*", "leader_id"): _name_of(Talent)},
    openapi=openapi.openapi,
    rebuild=lambda: {"talent_figures": figures.rebuild()},
    metrics={
        "registry.foreign_talents_introduced": Metric(
            "引进外国人才", "人", operations.foreign_talents_introduced,
            link=lambda year: url_for("registry.talent_list", source="introduced")),
        "registry.teams_introduced": Metric(
            "引进高端科技创新人才团队", "个", operations.teams_introduced,
            link=lambda year: url_for("registry.team_list")),
    },
    template_globals={"label": choices.label, "nationalities": choices.NATIONALITIES},
)
