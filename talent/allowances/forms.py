"""Forms for policies, claims and the moves; money is parsed to ``Decimal`` here, once."""

import re
from datetime import date
from decimal import Decimal

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from talent.allowances.models import PERIODS, STEPS
from talent.cards.rules import LIST_CRITERIA
from talent.core.forms import BaseForm, ChoiceField, DayField, VersionField, optional_int, options

MONEY_RE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MoneyField(StringField):
    """元 with at most two decimal places, as ``Decimal``; "1,200.5" is read as 1200.50."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip().replace(",", "").replace("，", "")
        self.data = Decimal(self.raw).quantize(Decimal("0.01")) if MONEY_RE.match(self.raw) else None

    def pre_validate(self, form):
        if getattr(self, "raw", "") and self.data is None:
            raise StopValidation("金额应为数字，最多两位小数，如 1200.00")

    def _value(self):
        return f"{self.data:.2f}" if isinstance(self.data, Decimal) else getattr(self, "raw", "")


class MonthField(StringField):
    """A month "YYYY-MM", read as the first day of it."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        match = MONTH_RE.match(self.raw)
        self.data = None
        if match and 2000 <= int(match.group(1)) <= 2100 and 1 <= int(match.group(2)) <= 12:
            self.data = date(int(match.group(1)), int(match.group(2)), 1)

    def pre_validate(self, form):
        if getattr(self, "raw", "") and self.data is None:
            raise StopValidation("月份格式应为 年-月，如 2026-03")

    def _value(self):
        return f"{self.data:%Y-%m}" if isinstance(self.data, date) else getattr(self, "raw", "")


def _pairs(values: dict) -> list[tuple]:
    return list(values.items())


class ManyField(SelectMultipleField):
    """Several of a list (checkboxes on the page, a JSON list in the API); bad values said in Chinese."""

    def __init__(self, label=None, validators=None, choices=(), **kwargs):
        super().__init__(label, validators, choices=options(choices), **kwargs)

    def process_formdata(self, valuelist):
        self.data = [v for v in valuelist if v not in ("", None)]

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        bad = [v for v in self.data or [] if v not in allowed]
        if bad:
            raise ValidationError(f"无效的选项：{'、'.join(map(str, bad))}")


class PolicyForm(BaseForm):
    LIST_FIELDS = frozenset({"tiers", "categories", "educations", "chain"})

    name = StringField(
        "政策名称", validators=[DataRequired("请填写政策名称"), Length(max=100, message="不超过100个字")]
    )
    document_no = StringField("文号", validators=[Length(max=100, message="文号不超过100个字")])
    amount = MoneyField("金额（元）", validators=[DataRequired("请填写金额")])
    period = ChoiceField("发放方式", choices=_pairs(PERIODS), default="monthly")
    months = IntegerField(
        "享受期限（月）", validators=[Optional(), NumberRange(1, 600, "享受期限应为 1–600 个月")]
    )
    budget = MoneyField("年度预算（元）", validators=[InputRequired("请填写年度预算")])
    year = IntegerField(
        "施行年度",
        validators=[InputRequired("请填写施行年度"), NumberRange(2000, 2100, "年度应在 2000–2100 之间")],
    )
    tiers = ManyField("持卡档次", choices=[("A", "A类"), ("B", "B类"), ("C", "C类")])
    categories = ManyField("人才类别", choices=_pairs(LIST_CRITERIA["categories"][2]))
    educations = ManyField("学历", choices=_pairs(LIST_CRITERIA["educations"][2]))
    introduced_within_years = IntegerField(
        "引进年限（年内）", validators=[Optional(), NumberRange(1, 30, "引进年限应为 1–30 年")]
    )
    chain = ManyField("审批环节", choices=_pairs(STEPS))
    note = StringField("修订说明", validators=[Length(max=200, message="不超过200个字")])
    active = BooleanField("受理申请", default=True)
    version = VersionField("版本")

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "document_no": (self.document_no.data or "").strip(),
            "amount": self.amount.data,
            "period": self.period.data,
            "months": self.months.data,
            "budget": self.budget.data,
            "year": self.year.data,
            "note": (self.note.data or "").strip(),
            "chain": self.chain.data or list(STEPS),
            "active": bool(self.active.data),
            "eligibility": {
                "tiers": self.tiers.data or [],
                "categories": self.categories.data or [],
                "educations": self.educations.data or [],
                "introduced_within_years": self.introduced_within_years.data,
            },
        }


class ClaimForm(BaseForm):
    policy_id = ChoiceField(
        "政策", coerce=optional_int, choices=[(None, "请选择")], validators=[DataRequired("请选择政策")]
    )
    talent_id = StringField("人才编号", validators=[Optional(), Length(max=9)])
    period_from = MonthField("起始月份", validators=[DataRequired("请填写起始月份，如 2026-01")])
    period_to = MonthField("截止月份", validators=[DataRequired("请填写截止月份，如 2026-12")])
    note = TextAreaField("申请说明", validators=[Length(max=1000, message="不超过1000个字")])
    files = MultipleFileField("申请材料（PDF、JPG、PNG，每个不超过10MB）")

    def __init__(self, *args, policy_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_id.set_options([(None, "请选择"), *policy_choices])


class ClaimMoveForm(BaseForm):
    to = ChoiceField("操作", choices=[(s, s) for s in ("submitted", *STEPS, "paid", "returned", "rejected")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=500, message="不超过500个字")])
    amount = MoneyField("金额（元）", validators=[Optional()])
    paid_on = DayField("发放日期", validators=[Optional()], format="%Y-%m-%d")
    voucher_no = StringField("凭证号", validators=[Optional(), Length(max=60, message="不超过60个字符")])
    budget_override = StringField("超预算说明", validators=[Optional(), Length(max=200)])
    version = VersionField("版本")
