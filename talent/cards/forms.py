"""Forms of the card feature: revoke reason, rule versions, tier benefits."""
from wtforms import BooleanField, DateField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from talent.cards.models import BENEFIT_FREQUENCIES, BENEFIT_KINDS
from talent.cards.rules import LIST_CRITERIA, TIER_CODES
from talent.core import timeutil
from talent.core.forms import BaseForm, ChoiceField, VersionField, options
from talent.registry import choices


class RevokeForm(BaseForm):
    reason = StringField("注销原因", validators=[
        DataRequired("注销必须填写原因"), Length(max=200, message="原因不超过200个字")])


class UpgradeForm(BaseForm):
    """升档: the tier, the rule version the page showed, and whether a new term starts."""

    tier = HiddenField("升至类别", validators=[DataRequired("请选择要升到的类别")])
    rule_version = VersionField("发卡规则版本")
    new_term = HiddenField("有效期")

    @property
    def starts_new_term(self) -> bool:
        return self.new_term.data == "1"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {c.value for c in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("包含无效的选项")


def _rule_form_class():
    fields = {
        "effective_on": DateField("生效日期", validators=[DataRequired("请选择生效日期")],
                                  format="%Y-%m-%d"),
        "note": StringField("修订说明", validators=[Length(max=200, message="说明不超过200个字")]),
        "require_active": BooleanField("须为在县工作状态"),
        "require_in_county": BooleanField("须在双牌县内工作"),
        # The newest version when the form was opened: saving over a newer one is refused.
        "based_on": VersionField("所依据的版本"),
    }
    for code in TIER_CODES:
        fields[f"{code}_name"] = StringField(f"{code}类名称", validators=[Optional(), Length(max=40)])
        for key, (_column, title, values) in LIST_CRITERIA.items():
            fields[f"{code}_{key}"] = MultiCheckboxField(title, choices=options(values.items()))
        fields[f"{code}_foreign_introduced"] = BooleanField("引进的外籍人才")
        fields[f"{code}_combo_title"] = ChoiceField(
            "组合条件：职称", choices=[("", "不设"), *choices.TITLE_LEVELS.items()])
        fields[f"{code}_combo_education"] = ChoiceField(
            "且学历", choices=[("", "不设"), *choices.EDUCATIONS.items()])
    return type("CardRuleFormBase", (BaseForm,), fields)


class CardRuleForm(_rule_form_class()):
    """Every tier's criteria as checkboxes; one combined 职称+学历 condition per tier."""

    TIER_CODES = TIER_CODES
    LIST_KEYS = tuple(LIST_CRITERIA)

    def validate_effective_on(self, field):
        if field.data and field.data < timeutil.today():
            raise ValidationError("生效日期不能早于今天（已生效的规则不可追溯修改）")

    @staticmethod
    def data_from(rules: dict) -> dict:
        data = {"require_active": rules.get("require_active", True),
                "require_in_county": rules.get("require_in_county", True)}
        for tier in rules["tiers"]:
            code = tier["code"]
            data[f"{code}_name"] = tier.get("name", "")
            for key in LIST_CRITERIA:
                data[f"{code}_{key}"] = list(tier.get(key) or [])
            data[f"{code}_foreign_introduced"] = bool(tier.get("foreign_introduced"))
            combo = (tier.get("combined") or [{}])[0]
            data[f"{code}_combo_title"] = combo.get("title_level", "")
            data[f"{code}_combo_education"] = combo.get("education", "")
        return data

    def rules(self) -> dict:
        tiers = []
        for code in TIER_CODES:
            name = (getattr(self, f"{code}_name").data or "").strip()
            tier = {"code": code, "name": name}
            for key in LIST_CRITERIA:
                tier[key] = list(getattr(self, f"{code}_{key}").data or [])
            tier["foreign_introduced"] = bool(getattr(self, f"{code}_foreign_introduced").data)
            combo = {}
            if getattr(self, f"{code}_combo_title").data:
                combo["title_level"] = getattr(self, f"{code}_combo_title").data
            if getattr(self, f"{code}_combo_education").data:
                combo["education"] = getattr(self, f"{code}_combo_education").data
            tier["combined"] = [combo] if combo else []
            empty = not name and not any(tier[k] for k in LIST_CRITERIA) and not combo \
                and not tier["foreign_introduced"]
            if not empty:  # a tier left completely blank is dropped
                tiers.append(tier)
        return {"require_active": bool(self.require_active.data),
                "require_in_county": bool(self.require_in_county.data), "tiers": tiers}


def _benefit_form_class():
    fields = {f"{tier}_{kind}": TextAreaField(f"{tier}类·{label}",
                                              validators=[Length(max=2000, message="不超过2000个字")])
              for tier in TIER_CODES for kind, label in BENEFIT_KINDS.items()}
    # Blank (a client that leaves it out) keeps the frequency as it is.
    fields.update({f"{tier}_{kind}_frequency": ChoiceField(
        f"{tier}类·{label}·兑现频次", choices=[("", "不变"), *BENEFIT_FREQUENCIES.items()])
        for tier in TIER_CODES for kind, label in BENEFIT_KINDS.items()})
    return type("BenefitFormBase", (BaseForm,), fields)


class BenefitForm(_benefit_form_class()):
    # "id:version,…" of the benefits as the form showed them (optimistic concurrency).
    versions = HiddenField("版本")

    def seen_versions(self) -> dict[int, int] | None:
        if not self.versions.data:
            return None
        seen = {}
        for pair in self.versions.data.split(","):
            key, _, value = pair.partition(":")
            if key.isascii() and key.isdigit() and value.isascii() and value.isdigit():
                seen[int(key)] = int(value)
        return seen

    def texts(self) -> dict[tuple[str, str], str]:
        return {(tier, kind): getattr(self, f"{tier}_{kind}").data or ""
                for tier in TIER_CODES for kind in BENEFIT_KINDS}

    def frequencies(self) -> dict[tuple[str, str], str]:
        return {(tier, kind): getattr(self, f"{tier}_{kind}_frequency").data
                for tier in TIER_CODES for kind in BENEFIT_KINDS
                if getattr(self, f"{tier}_{kind}_frequency").data}
