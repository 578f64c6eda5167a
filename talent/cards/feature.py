from flask import url_for

from talent.cards import api, eligibility, expiry, openapi, views
from talent.cards.models import BENEFIT_FREQUENCIES
from talent.cards.operations import cards_issued, remind_expiring, seed_default_rules
from talent.core.features import Feature, MenuEntry, Metric, Panel
from talent.core.permissions import Permission

feature = Feature(
    name="cards",
    blueprints=(views.bp,),
    api_blueprints=(api.bp,),
    menu=(
        MenuEntry("cards.card_list", "VIP卡", "credit-card-2-front", Permission.CARDS_READ, order=20,
                  group="VIP卡"),
        MenuEntry("cards.rules_page", "发卡规则", "sliders", Permission.CARD_RULES_MANAGE, order=91,
                  group="系统管理"),
    ),
    panels=(Panel("cards/panels/expiring.html", expiry.expiring_panel, order=6),),
    daily=remind_expiring,
    background=eligibility.recompute_step,
    rebuild=eligibility.recompute_all,
    audit_objects={"cards": "VIP卡", "card_rule_sets": "发卡规则", "tier_benefits": "卡待遇"},
    audit_actions={"issue": "发卡", "renew": "续期", "revoke": "注销", "replace": "挂失作废",
                   "reissue": "补办", "upgrade": "升档",
                   "supersede": "升档作废"},
    audit_fields=lambda: {"cards": views.FIELD_LABELS,
                          "tier_benefits": {"text": "待遇说明", "frequency": "兑现频次"}},
    audit_values={("cards", "status"): {"active": "有效", "revoked": "已注销", "replaced": "已换卡作废"},
                  ("tier_benefits", "frequency"): BENEFIT_FREQUENCIES},
    openapi=openapi.openapi,
    seed=seed_default_rules,
    metrics={"cards.cards_issued": Metric("发放泷泊英才VIP卡", "张", cards_issued,
                                          link=lambda year: url_for("cards.card_list"))},
)
