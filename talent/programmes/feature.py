from flask import url_for

from talent.core.features import Feature, MenuEntry, Metric, Panel
from talent.core.permissions import Permission, acting_user
from talent.core.timeutil import today
from talent.programmes import api, demo, openapi, operations, views
from talent.programmes.models import LEVELS, OUTCOMES, SOURCES


def talent_recommendations(talent):
    """For the talent pages' include: the recommendations of ``talent`` the viewer may see, or
    None when the viewer may not see recommendations at all (the block is then left out)."""
    user = acting_user()
    if user is None or not user.can(Permission.RECOMMENDATIONS_READ):
        return None
    if not user.can(Permission.RECOMMENDATIONS_WRITE) and user.talent_id != talent.id:
        return None
    return operations.recommendations_of(user, talent)


def _summary_panel(user):
    """This year's item-4.1 figures for whoever recommends, with what awaits them."""
    if not user.can(Permission.RECOMMENDATIONS_WRITE):
        return None
    year = today().year
    return {"year": year, "recommended": operations.talents_recommended(year),
            "selected_high": operations.talents_selected_high_level(year),
            "pending": operations.pending_count(), "upgrades": operations.upgradeable_count()}


# The content types the upload gate admits, as a clerk reads them.
FILE_TYPES = {"application/pdf": "PDF 文件", "image/jpeg": "JPEG 图片", "image/png": "PNG 图片"}

feature = Feature(
    name="programmes",
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("programmes.recommendation_list", "人才项目推荐", "award", Permission.RECOMMENDATIONS_WRITE,
                  order=12, group="人才库"),
        MenuEntry("programmes.programme_list", "人才项目", "bookmark-star", Permission.PROGRAMMES_MANAGE,
                  order=93, group="系统管理"),
    ),
    panels=(Panel("programmes/panels/summary.html", _summary_panel, order=25),),
    audit_objects={"programmes": "人才项目", "programme_calls": "项目申报年度",
                   "recommendations": "人才项目推荐"},
    audit_actions={"recommend": "推荐申报", "outcome": "记录结果"},
    audit_fields=lambda: {"programmes": views.FIELD_LABELS, "programme_calls": views.FIELD_LABELS,
                          "recommendations": views.FIELD_LABELS},
    audit_values={("programmes", "level"): LEVELS, ("recommendations", "source"): SOURCES,
                  ("recommendations", "outcome"): OUTCOMES,
                  ("*", "attachment_type"): FILE_TYPES},
    openapi=openapi.openapi,
    seed=operations.seed_programmes,
    demo=demo.load,
    metrics={
        "programmes.recommended": Metric(
            "挖掘并推荐申报人才项目的优秀科技人才", "人", operations.talents_recommended,
            link=lambda year: url_for("programmes.recommendation_list", year=year)),
        "programmes.selected_high_level": Metric(
            "入选省级及以上人才项目", "人", operations.talents_selected_high_level,
            link=lambda year: url_for("programmes.recommendation_list", year=year, outcome="selected",
                                      level=operations.HIGH)),
    },
    template_globals={"talent_recommendations": talent_recommendations},
)
