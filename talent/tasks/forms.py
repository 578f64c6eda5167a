"""Forms of the task tracker; the API validates its JSON bodies through the same classes."""
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from talent.core.forms import BaseForm, ChoiceField

PERIOD_MESSAGE = "报告期应为 YYYY-MM，例如 2023-06"


class ReportForm(BaseForm):
    period = StringField("报告期（月）", validators=[
        DataRequired("请填写报告期"), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=PERIOD_MESSAGE)])
    narrative = TextAreaField("本月工作进展", validators=[
        DataRequired("请填写本月工作进展"), Length(max=5000, message="不超过5000个字")])
    problems = TextAreaField("存在问题及下步打算", validators=[Length(max=2000, message="不超过2000个字")])


def report_form_class(indicators, with_unit: bool):
    """The page form of one item: a number per indicator the unit reports (累计完成值)."""
    fields = {}
    for indicator in indicators:
        measure = indicator.level_measure or indicator.measure
        fields[f"value_{indicator.id}"] = FloatField(
            f"{indicator.name}（累计，{measure}）",
            validators=[Optional(), NumberRange(min=0, max=1e12, message="应为不小于0的数")])
    if with_unit:
        fields["unit_id"] = ChoiceField("报送单位", coerce=int, validators=[InputRequired("请选择单位")])
    return type("ItemReportForm", (ReportForm,), fields)


class ReviewForm(BaseForm):
    decision = ChoiceField("处理", choices=[("confirm", "确认"), ("return", "退回")],
                           validators=[DataRequired("请选择确认或退回")])
    comment = StringField("意见", validators=[Length(max=500, message="不超过500个字")])
    version = HiddenField()


class CompletionForm(BaseForm):
    evidence = TextAreaField("完成佐证", validators=[
        DataRequired("请填写完成佐证"), Length(max=3000, message="不超过3000个字")])


class AcceptForm(BaseForm):
    decision = ChoiceField("验收", choices=[("accept", "验收通过"), ("reject", "不予验收")],
                           validators=[DataRequired("请选择")])
    comment = StringField("意见", validators=[Length(max=500, message="不超过500个字")])


class DirectiveForm(BaseForm):
    unit_id = ChoiceField("督办单位（牵头或责任单位）", coerce=int, validators=[InputRequired("请选择单位")])
    grade = ChoiceField("督办等级", choices=[("blue", "蓝色（提醒）"), ("yellow", "黄色（滞后于序时进度）"),
                                             ("red", "红色（逾期）")], default="yellow",
                        validators=[DataRequired("请选择督办等级")])
    responsible_person = StringField("责任人", validators=[Length(max=40, message="不超过40个字")])
    request = TextAreaField("督办事项", validators=[
        DataRequired("请填写督办事项"), Length(max=2000, message="不超过2000个字")])
    reply_by = DateField("回复期限", validators=[DataRequired("请选择回复期限")], format="%Y-%m-%d")


class ReplyForm(BaseForm):
    reply = TextAreaField("回复", validators=[
        DataRequired("请填写回复内容"), Length(max=3000, message="不超过3000个字")])


class CopyForm(BaseForm):
    name = StringField("新方案名称", validators=[DataRequired("请填写名称"), Length(max=100)])
    year = IntegerField("方案年度", validators=[
        InputRequired("请填写年度"), NumberRange(min=2000, max=2100, message="年度不正确")])
    starts_on = DateField("开始日期", validators=[Optional()], format="%Y-%m-%d")
    ends_on = DateField("结束日期", validators=[Optional()], format="%Y-%m-%d")


def copy_review_form_class(items):
    """The second step of a copy: every item's proposed deadline, for the office to review."""
    fields = {f"deadline_{item.id}": DateField(
        f"{item.code} {item.title}", validators=[DataRequired(f"请填写 {item.code} 的完成时限")],
        format="%Y-%m-%d") for item in items}
    fields["reviewed"] = HiddenField(default="1")
    return type("CopyReviewForm", (CopyForm,), fields)


class ClosePlanForm(BaseForm):
    final_evaluation = TextAreaField("总体评估", validators=[
        DataRequired("请填写总体评估"), Length(max=5000, message="不超过5000个字")])


def close_form_class(items):
    """Closing: the final evaluation and every item's outcome with its evidence or reason."""
    fields = {}
    for item in items:
        fields[f"outcome_{item.id}"] = ChoiceField(
            f"{item.code} 结果", choices=[("done", "已完成"), ("missed", "未完成")],
            validators=[DataRequired("请选择结果")])
        fields[f"note_{item.id}"] = TextAreaField(f"{item.code} 佐证或原因", validators=[
            DataRequired(f"请填写 {item.code} 的完成佐证或未完成原因"), Length(max=2000)])
    return type("ClosePlanFullForm", (ClosePlanForm,), fields)


class IndicatorValueForm(BaseForm):
    """A goal or 工作任务 figure (累计或年度数，按指标说明)."""

    period = StringField("报告期（月）", validators=[
        DataRequired("请填写报告期"), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=PERIOD_MESSAGE)])
    value = FloatField("数值", validators=[
        InputRequired("请填写数值"), NumberRange(min=-1e12, max=1e12, message="数值超出范围")])
    unit_id = IntegerField("填报单位", validators=[Optional()])
    note = StringField("说明（数据来源）", validators=[Length(max=500, message="不超过500个字")])


def settings_form_class(growth_indicators):
    fields = {"tolerance": IntegerField("序时进度容差（百分点）", validators=[
        InputRequired("请填写容差"), NumberRange(min=0, max=50, message="应在0到50之间")])}
    for indicator in growth_indicators:
        fields[f"baseline_{indicator.id}"] = FloatField(
            f"{indicator.name}：{indicator.baseline_year}年基数（{indicator.level_measure}）",
            validators=[Optional(), NumberRange(min=0.000001, message="基数应大于0")])
    return type("PlanSettingsForm", (BaseForm,), fields)


class UnitsField(SelectMultipleField):
    """Units as a list of ids: checkboxes on the page, a JSON list in the API."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("包含无效的单位")


class ItemForm(BaseForm):
    title = StringField("工作事项", validators=[DataRequired("请填写工作事项"), Length(max=100)])
    text = TextAreaField("工作内容", validators=[DataRequired("请填写工作内容"), Length(max=5000)])
    deadline = DateField("完成时限", validators=[DataRequired("请选择完成时限")], format="%Y-%m-%d")
    lead_unit_ids = UnitsField("牵头单位", coerce=int, validators=[DataRequired("至少一个牵头单位")])
    responsible_unit_ids = UnitsField("责任单位", coerce=int)

    def validate_responsible_unit_ids(self, field):
        if set(field.data or []) & set(self.lead_unit_ids.data or []):
            raise ValidationError("同一单位不能既是牵头单位又是责任单位")


MEASURES = ["亿元", "万元", "家", "件", "个", "人", "名", "项", "张", "%"]


class IndicatorForm(BaseForm):
    name = StringField("指标", validators=[DataRequired("请填写指标名称"), Length(max=100)])
    measure = ChoiceField("计量单位", choices=[(m, m) for m in MEASURES],
                          validators=[DataRequired("请选择计量单位")])
    comparison = ChoiceField("比较", choices=[("at_least", "不少于（≥）"), ("about", "左右（≈）")],
                             validators=[DataRequired("请选择")])
    target = FloatField("目标值（空为仅监测）", validators=[
        Optional(), NumberRange(min=0, max=1e12, message="应为不小于0的数")])
    baseline_value = FloatField("基数（增长目标）", validators=[
        Optional(), NumberRange(min=0.000001, message="基数应大于0")])
    # goal and 工作任务 indicators only: units that report it besides the office and lead units
    named_unit_ids = UnitsField("另行指定的报送单位", coerce=int)
