from flask import url_for

from talent.commissioners import api, choices, demo, field, openapi, operations, rating, target_side, views
from talent.commissioners.models import Assignment
from talent.core.features import Feature, MenuEntry, Metric, Panel
from talent.core.permissions import Permission, acting_user
from talent.extensions import db


def _staff_panel(user):
    if not operations.can_read_all(user):
        return None
    return {"summary": operations.staff_summary(), "manage": operations.can_manage(user)}


def _my_panel(user):
    commissioner_id = operations.own_commissioner_id(user)
    if user.role != "commissioner":
        return None
    return {"summary": operations.my_summary(commissioner_id) if commissioner_id else None}


def commissioner_post(talent_id: int) -> dict | None:
    """For the talent detail page (registry): the talent's commissioner post, if any."""
    commissioner = operations.post_of_talent(talent_id)
    if commissioner is None:
        return None
    text = f"{commissioner.level_label}科技特派员 · {choices.STATUSES[commissioner.status]}"
    if commissioner.round is not None:
        text += f"（{commissioner.round.name}）"
    user = acting_user()
    link = url_for("commissioners.commissioner_detail", commissioner_id=commissioner.id) \
        if operations.can_read_all(user) else ""
    return {"text": text, "link": link}


def _staff(user) -> bool:
    return operations.can_read_all(user)


def _commissioner(user) -> bool:
    return user.role == "commissioner"


def _assignment_name(value):
    """"派驻：1" reads as the commissioner and the target served."""
    assignment = db.session.get(Assignment, value) if str(value).isdigit() else None
    if assignment is None:
        return None
    return f"{assignment.commissioner.name} → {assignment.target.name}"


feature = Feature(
    name="commissioners",
    blueprints=(views.bp, field.bp, rating.bp, target_side.bp),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("commissioners.commissioner_list", "科技特派员", "person-badge",
                  Permission.COMMISSIONERS_STAFF, order=35, visible=_staff,
                  group="科技特派员"),
        MenuEntry("commissioners.log_list", "服务日志", "journal-check",
                  Permission.COMMISSIONERS_STAFF, order=36, visible=_staff,
                  group="科技特派员"),
        MenuEntry("commissioners.need_list", "技术需求", "lightbulb",
                  Permission.COMMISSIONERS_STAFF, order=37, visible=_staff,
                  group="科技特派员"),
        MenuEntry("target_needs.mine", "技术需求", "lightbulb", Permission.EMPLOYER_DESK, order=40),
        MenuEntry("field.home", "我的派驻", "geo-alt", Permission.COMMISSIONER_SELF, order=30,
                  visible=_commissioner),
        MenuEntry("field.log_new", "记录服务", "plus-circle", Permission.COMMISSIONER_SELF,
                  order=31, visible=_commissioner),
        MenuEntry("field.my_logs", "我的日志", "journal-text", Permission.COMMISSIONER_SELF,
                  order=32, visible=_commissioner),
        MenuEntry("field.my_year", "年度汇总", "bar-chart", Permission.COMMISSIONER_SELF,
                  order=33, visible=_commissioner),
    ),
    panels=(Panel("commissioners/panels/staff.html", _staff_panel, order=30),
            Panel("commissioners/panels/mine.html", _my_panel, order=5)),
    audit_objects={"commissioners": "科技特派员", "selection_rounds": "选派批次",
                   "service_targets": "服务对象", "assignments": "派驻",
                   "service_logs": "服务日志", "commissioner_projects": "科技特派员项目",
                   "commissioner_assessments": "特派员年度考核", "target_needs": "技术需求"},
    audit_actions={"confirm": "确认", "return": "退回", "grade": "考核评定",
                   "add_photos": "上传照片", "remove_photo": "删除照片",
                   "rate": "服务对象评价", "close_need": "需求已解决"},
    audit_fields=lambda: views.FIELD_LABELS,
    audit_references={("*", "assignment_id"): _assignment_name},
    audit_values={
        ("commissioners", "level"): choices.LEVELS, ("selection_rounds", "level"): choices.LEVELS,
        ("commissioners", "status"): choices.STATUSES,
        ("service_targets", "kind"): choices.TARGET_KINDS,
        ("assignments", "status"): choices.ASSIGNMENT_STATUSES,
        ("service_logs", "kind"): choices.LOG_KINDS,
        ("service_logs", "status"): choices.LOG_STATUSES,
        ("commissioner_projects", "level"): choices.PROJECT_LEVELS,
        ("commissioner_projects", "kind"): choices.PROJECT_KINDS,
        ("commissioner_projects", "status"): choices.PROJECT_STATUSES,
        ("commissioner_assessments", "grade"): choices.GRADES,
        ("target_needs", "status"): choices.NEED_STATUSES,
        ("target_needs", "urgency"): choices.URGENCIES,
        ("target_needs", "field"): choices.FIELDS,
    },
    openapi=openapi.openapi,
    seed=operations.seed_towns,
    demo=demo.load,
    metrics={
        "commissioners.county_selected": Metric(
            "新一轮县派科技特派员选派", "人", operations.county_selected,
            link=lambda year: url_for("commissioners.commissioner_list", level="county")),
        "commissioners.provincial_projects": Metric(
            "争取省级科技特派员服务乡村振兴科技项目", "项", operations.provincial_projects,
            link=lambda year: url_for("commissioners.project_list", year=year)),
        "commissioners.targets_served": Metric(
            "科技特派员服务农业企业、专业合作社", "家", operations.targets_served,
            link=lambda year: url_for("commissioners.target_list")),
    },
    template_globals={"commissioner_choices": choices, "commissioner_post": commissioner_post,
                      "offline_owner": field.offline_owner, "save_timeout_ms": field.save_timeout_ms},
)
