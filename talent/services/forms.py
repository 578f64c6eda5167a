"""Forms of the service-request feature; the same classes validate page posts and JSON bodies."""
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from talent.core.forms import BaseForm, ChoiceField

MAX_ID = 2**31 - 1  # what an integer key can hold: larger numbers are refused, not sent to the database


class RequestForm(BaseForm):
    """Filing a request. ``talent_id`` is for 县委组织部 filing on a talent's behalf."""

    type = ChoiceField("服务事项", validators=[DataRequired("请选择服务事项")])
    title = StringField("标题", validators=[DataRequired("请填写标题"),
                                          Length(max=100, message="标题不超过100个字")])
    description = TextAreaField("具体需求", validators=[DataRequired("请写明具体需求"),
                                                    Length(max=2000, message="不超过2000个字")])
    talent_id = IntegerField("人才编号", validators=[
        Optional(), NumberRange(1, MAX_ID, message="没有这个人才编号")])

    def __init__(self, *args, type_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type.set_options(type_choices)


class TransitionForm(BaseForm):
    """One move of the state machine, made on the version the page (or client) saw."""

    to = StringField("操作", validators=[DataRequired("请指定操作或目标状态"), Length(max=30)])
    note = TextAreaField("说明", validators=[Length(max=2000, message="不超过2000个字")])
    version = IntegerField("版本", validators=[InputRequired("缺少版本号，请刷新页面后重试"),
                                             NumberRange(0, MAX_ID, message="版本号不正确")])
    unit_id = IntegerField("转交单位", validators=[
        Optional(), NumberRange(1, MAX_ID, message="没有这个单位")])


class RatingForm(BaseForm):
    score = IntegerField("评分", validators=[InputRequired("请选择评分"),
                                           NumberRange(1, 5, message="评分应为 1–5")])
    comment = TextAreaField("评价", validators=[Length(max=500, message="评价不超过500个字")])


class NoteForm(BaseForm):
    text = TextAreaField("内容", validators=[DataRequired("请填写内容"), Length(max=2000)])
    internal = BooleanField("内部备注（人才看不到）")


class ServiceTypeForm(BaseForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=40)])
    unit_id = ChoiceField("办理单位", coerce=int, validators=[InputRequired("请选择办理单位")])
    time_limit_days = IntegerField("办理时限（工作日）", validators=[
        InputRequired("请填写时限"), NumberRange(1, 120, message="时限应为 1–120 个工作日")])
    card_holders_only = BooleanField("仅限VIP卡持卡人申请")
    description = StringField("说明", validators=[Length(max=300)])
    version = IntegerField("版本", validators=[InputRequired()])

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.set_options(unit_choices)


class OverrideForm(BaseForm):
    day = DateField("日期", validators=[DataRequired("请选择日期")], format="%Y-%m-%d")
    kind = ChoiceField("设为", choices=[("holiday", "休息日（节假日）"), ("workday", "工作日（调休上班）")],
                       validators=[DataRequired()])
    note = StringField("说明", validators=[Length(max=60, message="不超过60个字")])
