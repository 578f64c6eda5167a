from flask import url_for

from talent.benefits import figures, operations, views
from talent.cards.models import BENEFIT_KINDS
from talent.core.features import Feature, MenuEntry, Metric
from talent.core.permissions import Permission

feature = Feature(
    name="benefits",
    blueprints=(views.bp,),
    menu=(MenuEntry("benefits.figures", "待遇兑现", "gift", Permission.BENEFITS_REPORT, order=22,
                    group="VIP卡"),
          # Unit window clerks; 组织部 records from a card's window page.
          MenuEntry("benefits.scan", "窗口核验", "upc-scan", Permission.BENEFITS_REDEEM, order=21,
                    visible=lambda user: not user.can(Permission.BENEFITS_REPORT))),
    audit_objects={"redemptions": "待遇兑现"},
    audit_actions={"redeem": "兑现待遇"},
    audit_fields=lambda: {"redemptions": {"kind": "待遇项目", "redeemed_on": "兑现日期", "note": "说明",
                                          "card_id": "卡片", "repeat_reason": "再次兑现的原因"}},
    audit_values={("redemptions", "kind"): BENEFIT_KINDS},
    seed=operations.seed_providers,
    rebuild=figures.rebuild,
    demo=operations.load_demo,
    metrics={"benefits.redemptions": Metric("持卡人待遇兑现", "次", operations.redemptions_in,
                                            link=lambda year: url_for("benefits.figures", year=year))},
)
