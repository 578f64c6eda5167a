"""Forms of the commissioner module; the same classes validate pages and JSON bodies."""
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from talent.commissioners import choices
from talent.core import timeutil
from talent.core.forms import BaseForm, ChoiceField, LinesField, optional_int
from talent.core.forms import options as select_options
from talent.core.validators import InvalidValue, check_phone, normalize_id_number, parse_resident_id
from talent.extensions import db
from talent.registry.models import Talent

options = choices.options


def _phone(field, required: bool = False):
    if not field.data:
        if required:
            raise ValidationError("请填写联系电话")
        field.data = ""
        return
    try:
        field.data = check_phone(field.data)
    except InvalidValue as error:
        raise ValidationError(str(error)) from None


def _place(lat, lng) -> dict:
    """A position is both coordinates or none (NaN never passes NumberRange)."""
    if lat is None or lng is None:
        return {"lat": None, "lng": None}
    return {"lat": round(lat, 6), "lng": round(lng, 6)}


def _text(field) -> str:
    return (field.data or "").strip()


class RoundForm(BaseForm):
    year = IntegerField("年度", validators=[InputRequired("请填写年度"),
                                          NumberRange(2000, 2100, "年度应在2000至2100之间")])
    level = ChoiceField("层级", choices=options(choices.LEVELS, "请选择"),
                        validators=[DataRequired("请选择层级")])
    name = StringField("批次名称", validators=[DataRequired("请填写批次名称"),
                                             Length(max=100, message="批次名称不超过100个字")])
    starts_on = DateField("服务开始", validators=[DataRequired("请填写服务开始日期")])
    ends_on = DateField("服务结束", validators=[Optional()])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("结束日期不能早于开始日期")

    checkin = BooleanField("服务打卡：记录服务时的位置（特派员首次使用时须同意）")

    def values(self) -> dict:
        return {"year": self.year.data, "level": self.level.data, "name": _text(self.name),
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "checkin": bool(self.checkin.data)}


class CommissionerForm(BaseForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"),
                                          Length(max=50, message="姓名不超过50个字")])
    # An empty box is no number (None), not "" — "" would be encrypted and stored as a value.
    id_number = StringField("身份证号码", validators=[Optional()], filters=[lambda value: value or None])
    phone = StringField("联系电话", validators=[Optional()])
    employer = StringField("派出单位", validators=[DataRequired("请填写派出单位"),
                                                 Length(max=100, message="派出单位不超过100个字")])
    expertise = StringField("专业特长", validators=[Length(max=200, message="专业特长不超过200个字")])
    field = ChoiceField("专业领域", choices=options(choices.FIELDS, "请选择"),
                        validators=[DataRequired("请选择专业领域")])
    level = ChoiceField("选派层级", choices=options(choices.LEVELS, "请选择"),
                        validators=[DataRequired("请选择选派层级")])
    three_regions = BooleanField("“三区”科技人才")
    talent_id = IntegerField("关联人才编号", validators=[Optional()])
    round_id = ChoiceField("选派批次", coerce=optional_int, choices=[(None, "（无）")])
    status = ChoiceField("状态", choices=options(choices.STATUSES), default="active")

    def __init__(self, *args, round_choices: list[tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round_id.set_options([(None, "（无）"), *(round_choices or [])])

    def validate_id_number(self, field):
        if not field.data:
            field.data = None
            return
        try:
            field.data = parse_resident_id(normalize_id_number(field.data)).number
        except InvalidValue as error:
            raise ValidationError(str(error)) from None

    def validate_phone(self, field):
        _phone(field)

    def validate_talent_id(self, field):
        if field.data is not None and db.session.get(Talent, field.data) is None:
            raise ValidationError("没有这个编号的人才")

    def values(self) -> dict:
        return {"name": _text(self.name), "id_number": self.id_number.data,
                "phone": self.phone.data or "", "employer": _text(self.employer),
                "expertise": _text(self.expertise), "field": self.field.data,
                "level": self.level.data, "three_regions": bool(self.three_regions.data),
                "talent_id": self.talent_id.data, "round_id": self.round_id.data,
                "status": self.status.data}


class CommissionerPageForm(CommissionerForm):
    """The staff page also offers to create the commissioner's sign-in account."""

    create_account = BooleanField("同时创建登录账户")
    username = StringField("用户名", validators=[Optional(), Length(max=40)])
    password = PasswordField("初始密码", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if "create_account" in self and self.create_account.data:
            if not _text(self.username):
                self.username.errors.append("请填写用户名")
                valid = False
            if not self.password.data:
                self.password.errors.append("请填写初始密码")
                valid = False
        return valid


class TargetForm(BaseForm):
    name = StringField("名称", validators=[DataRequired("请填写服务对象名称"),
                                          Length(max=100, message="名称不超过100个字")])
    kind = ChoiceField("类型", choices=options(choices.TARGET_KINDS, "请选择"),
                       validators=[DataRequired("请选择类型")])
    uscc = StringField("统一社会信用代码", validators=[Optional()])
    uscc_confirmed = BooleanField("代码已核对无误，仍然保存")
    town_id = ChoiceField("所在乡镇", coerce=optional_int, choices=[(None, "请选择")],
                          validators=[DataRequired("请选择所在乡镇")])
    address = StringField("地址（村组）", validators=[Length(max=200, message="地址不超过200个字")])
    contact = StringField("联系人", validators=[Length(max=50, message="联系人不超过50个字")])
    phone = StringField("联系电话", validators=[Optional()])
    lat = FloatField("登记位置纬度", validators=[Optional(), NumberRange(-90, 90, "纬度应在 -90 至 90 之间")])
    lng = FloatField("登记位置经度",
                     validators=[Optional(), NumberRange(-180, 180, "经度应在 -180 至 180 之间")])

    def __init__(self, *args, town_choices: list[tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.town_id.set_options([(None, "请选择"), *(town_choices or [])])
        self.uscc_warning: str | None = None

    def validate_uscc(self, field):
        """Length and characters are refused; a wrong check digit is only a warning: some
        certificates on file carry typos the clerk cannot fix today, and the record is still
        worth keeping."""
        number = uscc_number.compact(field.data or "")
        if not number:
            field.data = None
            return
        field.data = number
        try:
            uscc_number.validate(number)
        except InvalidChecksum:
            self.uscc_warning = (f"统一社会信用代码 {number} 校验位不符（应为 "
                                 f"{uscc_number.calc_check_digit(number)}），请核对营业执照")
        except StdnumError:
            raise ValidationError("统一社会信用代码应为18位数字或大写字母") from None

    def validate_phone(self, field):
        _phone(field)

    def values(self) -> dict:
        return {"name": _text(self.name), "kind": self.kind.data, "uscc": self.uscc.data,
                "uscc_valid": self.uscc_warning is None, "town_id": self.town_id.data,
                "address": _text(self.address), "contact": _text(self.contact),
                "phone": self.phone.data or "", **_place(self.lat.data, self.lng.data)}


class AssignmentForm(BaseForm):
    commissioner_id = ChoiceField("科技特派员", coerce=optional_int, choices=[(None, "请选择")],
                                  validators=[DataRequired("请选择科技特派员")])
    target_id = ChoiceField("服务对象", coerce=optional_int, choices=[(None, "请选择")],
                            validators=[DataRequired("请选择服务对象")])
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期")])
    ends_on = DateField("结束日期", validators=[Optional()])
    needs = StringField("技术需求", validators=[Length(max=2000, message="技术需求不超过2000个字")])
    status = ChoiceField("状态", choices=options(choices.ASSIGNMENT_STATUSES), default="active")

    def __init__(self, *args, commissioner_choices=None, target_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commissioner_id.set_options([(None, "请选择"), *(commissioner_choices or [])])
        self.target_id.set_options([(None, "请选择"), *(target_choices or [])])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("结束日期不能早于开始日期")

    def values(self) -> dict:
        return {"commissioner_id": self.commissioner_id.data, "target_id": self.target_id.data,
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "needs": _text(self.needs), "status": self.status.data}


class ServiceLogForm(BaseForm):
    assignment_id = ChoiceField("服务对象", coerce=optional_int, choices=[(None, "请选择")],
                                validators=[DataRequired("请选择服务对象")])
    served_on = DateField("服务日期", default=timeutil.today,
                          validators=[DataRequired("请填写服务日期")])
    kind = ChoiceField("服务类型", choices=options(choices.LOG_KINDS, "请选择"),
                       validators=[DataRequired("请选择服务类型")])
    content = TextAreaField("服务内容", render_kw={"rows": 4}, validators=[DataRequired("请填写服务内容"),
                                                Length(max=2000, message="服务内容不超过2000个字")])
    hours = FloatField("服务时长（小时）", default=2,
                       validators=[InputRequired("请填写服务时长"),
                                   NumberRange(0, 24, "服务时长应在0至24小时之间")])
    trained_count = IntegerField("培训人数", default=0,
                                 validators=[Optional(), NumberRange(0, 100000, "培训人数不能为负数")])
    technologies = LinesField("推广技术/品种（每行一项）")
    location = StringField("服务地点", validators=[Length(max=200, message="服务地点不超过200个字")])
    client_key = StringField("客户端编号", validators=[Optional(), Length(max=64)])
    lat = FloatField("纬度", validators=[Optional(), NumberRange(-90, 90, "纬度应在 -90 至 90 之间")])
    lng = FloatField("经度", validators=[Optional(), NumberRange(-180, 180, "经度应在 -180 至 180 之间")])
    accuracy_m = FloatField("定位精度（米）",
                            validators=[Optional(),
                                        NumberRange(0, 100000, "定位精度应在 0 至 100000 米之间")])
    need_id = IntegerField("回应的技术需求", validators=[Optional()])
    need_done = BooleanField("该需求已解决（日志确认后关闭需求）")
    version = IntegerField("版本", validators=[Optional()])

    LIST_FIELDS = frozenset({"technologies"})

    def __init__(self, *args, assignment_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment_id.set_options([(None, "请选择"), *(assignment_choices or [])])

    def validate_served_on(self, field):
        if field.data and field.data > timeutil.today():
            raise ValidationError("服务日期不能晚于今天")

    def validate_technologies(self, field):
        if len(field.data or []) > 20 or any(len(t) > 60 for t in field.data or []):
            raise ValidationError("推广技术/品种最多20项，每项不超过60个字")

    def values(self) -> dict:
        return {"assignment_id": self.assignment_id.data, "served_on": self.served_on.data,
                "kind": self.kind.data, "content": _text(self.content).replace("\r\n", "\n"),
                "hours": round(float(self.hours.data), 1),
                "trained_count": self.trained_count.data or 0,
                "technologies": self.technologies.data or [], "location": _text(self.location),
                **_place(self.lat.data, self.lng.data),
                "accuracy_m": round(self.accuracy_m.data, 1)
                if self.lat.data is not None and self.accuracy_m.data is not None else None,
                "need_id": self.need_id.data,
                "need_done": bool(self.need_done.data) and self.need_id.data is not None}


class NeedForm(BaseForm):
    """技术需求: the clerk's page, the target's own page and the API."""

    title = StringField("需求标题", validators=[DataRequired("请填写需求标题"),
                                              Length(max=100, message="需求标题不超过100个字")])
    field = ChoiceField("所属领域", choices=options(choices.FIELDS, "请选择"),
                        validators=[DataRequired("请选择所属领域")])
    description = TextAreaField("需求描述", render_kw={"rows": 4},
                                validators=[Length(max=2000, message="需求描述不超过2000个字")])
    urgency = ChoiceField("紧急程度", choices=options(choices.URGENCIES), default="normal")
    status = ChoiceField("状态", choices=options(choices.NEED_STATUSES), default="open")
    commissioner_id = IntegerField("对接的科技特派员", validators=[Optional()])
    version = IntegerField("版本", validators=[Optional()])

    def values(self) -> dict:
        return {"title": _text(self.title), "field": self.field.data,
                "description": _text(self.description).replace("\r\n", "\n"),
                "urgency": self.urgency.data or "normal", "status": self.status.data or "open",
                "commissioner_id": self.commissioner_id.data}


class ProjectForm(BaseForm):
    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"),
                                             Length(max=200, message="项目名称不超过200个字")])
    level = ChoiceField("项目层级", choices=options(choices.PROJECT_LEVELS, "请选择"),
                        validators=[DataRequired("请选择项目层级")])
    kind = ChoiceField("项目类别", choices=options(choices.PROJECT_KINDS),
                       default="rural_revitalization")
    year = IntegerField("立项年度", validators=[InputRequired("请填写年度"),
                                              NumberRange(2000, 2100, "年度应在2000至2100之间")])
    funding = FloatField("经费（万元）", default=0,
                         validators=[Optional(), NumberRange(0, 1_000_000, "经费不能为负数")])
    commissioner_id = ChoiceField("负责的科技特派员", coerce=optional_int,
                                  choices=[(None, "请选择")],
                                  validators=[DataRequired("请选择科技特派员")])
    target_id = ChoiceField("服务对象", coerce=optional_int, choices=[(None, "（无）")])
    status = ChoiceField("状态", choices=options(choices.PROJECT_STATUSES), default="approved")

    def __init__(self, *args, commissioner_choices=None, target_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commissioner_id.set_options([(None, "请选择"), *(commissioner_choices or [])])
        self.target_id.set_options([(None, "（无）"), *(target_choices or [])])

    def values(self) -> dict:
        return {"name": _text(self.name), "level": self.level.data, "kind": self.kind.data,
                "year": self.year.data, "funding": round(float(self.funding.data or 0), 2),
                "commissioner_id": self.commissioner_id.data, "target_id": self.target_id.data,
                "status": self.status.data}


class ReturnForm(BaseForm):
    comment = StringField("退回意见", validators=[DataRequired("请填写退回意见"),
                                                Length(max=500, message="退回意见不超过500个字")])


class GradeForm(BaseForm):
    grade = ChoiceField("考核等次", choices=options(choices.GRADES, "请选择"),
                        validators=[DataRequired("请选择考核等次")])
    note = StringField("考核意见", validators=[Length(max=500, message="考核意见不超过500个字")])


class RatingForm(BaseForm):
    """The served target's answer, on the public page behind the log's QR code."""

    happened = BooleanField("确认这次服务确实发生", validators=[DataRequired("请确认这次服务确实发生")])
    score = RadioField("服务评价", coerce=int, choices=select_options((n, f"{n} 分") for n in range(1, 6)),
                       validators=[InputRequired("请选择 1 至 5 分")])
    comment = TextAreaField("意见建议（可不填）", render_kw={"rows": 3},
                            validators=[Length(max=500, message="意见建议不超过500个字")])


class MatchForm(BaseForm):
    """对接: the clerk picks a commissioner for a need (from the ranked same-field list)."""

    commissioner_id = ChoiceField("对接的科技特派员", coerce=optional_int, choices=[(None, "请选择")],
                                  validators=[DataRequired("请选择科技特派员")])
    version = IntegerField("版本", validators=[Optional()])

    def __init__(self, *args, commissioner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commissioner_id.set_options([(None, "请选择"), *(commissioner_choices or [])])
