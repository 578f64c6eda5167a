"""Forms for employers, their staff and accounts."""
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from talent.core.forms import BaseForm, ChoiceField, DayField, VersionField, optional_int
from talent.employers.models import KINDS


class EmployerForm(BaseForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"),
                                               Length(max=100, message="单位名称不超过100个字")])
    kind = ChoiceField("单位类型", choices=list(KINDS.items()), default="enterprise")
    uscc = StringField("统一社会信用代码", validators=[Optional(), Regexp(
        r"^[0-9A-HJ-NPQRTUWXY]{18}$", message="统一社会信用代码应为18位数字或大写字母")])
    contact = StringField("联系人", validators=[Length(max=40, message="联系人不超过40个字")])
    phone = StringField("联系电话", validators=[Length(max=20, message="联系电话不超过20个字符")])
    active = BooleanField("启用", default=True)
    # Its account then posts the target's 技术需求 for commissioners.
    service_target_id = ChoiceField("对应的科技特派员服务对象", coerce=optional_int,
                                    choices=[(None, "（不是服务对象）")])
    version = VersionField("版本")

    def __init__(self, *args, target_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_target_id.set_options([(None, "（不是服务对象）"), *(target_choices or [])])

    def values(self) -> dict:
        return {"name": self.name.data.strip(), "kind": self.kind.data,
                "uscc": (self.uscc.data or "").strip(), "contact": (self.contact.data or "").strip(),
                "phone": (self.phone.data or "").strip(), "active": bool(self.active.data),
                "service_target_id": self.service_target_id.data}


class StaffForm(BaseForm):
    talent_id = StringField("人才编号", validators=[DataRequired("请填写人才编号"),
                                                   Regexp(r"^\d{1,9}$", message="请输入人才编号（数字）")])
    since = DayField("入职日期", validators=[Optional()], format="%Y-%m-%d")


class AccountForm(BaseForm):
    username = StringField("用户名", validators=[
        DataRequired("请输入用户名"), Length(min=3, max=40, message="用户名为3至40个字符"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和横线")])
    display_name = StringField("经办人姓名", validators=[Length(max=40, message="姓名不超过40个字")])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码")])
