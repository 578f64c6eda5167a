from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import PasswordInput

from talent.auth.models import UNIT_KINDS
from talent.core.forms import BaseForm, ChoiceField, VersionField, optional_int
from talent.core.permissions import ROLE_LABELS
from talent.core.validators import InvalidValue, bounded_int, check_mobile
from talent.extensions import db
from talent.registry.models import Talent


class LoginForm(BaseForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码"))])


class ChangePasswordForm(BaseForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[EqualTo("password", "两次输入的新密码不一致")])


class NewPasswordForm(BaseForm):
    """After a one-time password: the user signed in with it moments ago, so it is not asked again."""

    password = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                   EqualTo("password", "两次输入的新密码不一致")])


class PortalAccountForm(BaseForm):
    """组织部 opens a talent's 个人账户: the username; the password is a one-time one."""

    username = StringField("用户名", validators=[
        DataRequired("请输入用户名"), Length(min=3, max=40, message="用户名为3至40个字符"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和横线")])


class ContactFields:
    """An account's mobile number (for SMS notices) and e-mail; both optional."""

    phone = StringField("手机号码", validators=[Optional(), Length(max=30, message="手机号码过长")])
    email = StringField("电子邮箱", validators=[Optional(), Email("电子邮箱格式不正确"),
                                             Length(max=120, message="电子邮箱不超过120个字符")])

    def validate_phone(self, field):
        try:
            field.data = check_mobile(field.data)
        except InvalidValue as error:
            raise ValidationError(str(error)) from None

    def contact(self) -> dict:
        return {"phone": self.phone.data or "", "email": (self.email.data or "").strip()}


class ContactForm(ContactFields, BaseForm):
    pass


class UserForm(ContactFields, BaseForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名"),
            Length(min=3, max=40, message="用户名为3至40个字符"),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和横线"),
        ],
    )
    display_name = StringField("姓名", validators=[Length(max=40, message="姓名不超过40个字")])
    # Least powerful first, and the default: an admin who skips the field creates no administrator.
    role = ChoiceField("角色", choices=[(r.value, label) for r, label in reversed(ROLE_LABELS.items())],
                       default="talent")
    unit_id = ChoiceField("所属单位", coerce=optional_int, choices=[(None, "（无）")])
    talent_id = StringField(
        "关联人才编号", validators=[Optional(), Regexp(r"^\d+$", message="请输入人才编号（数字）")]
    )
    active = BooleanField("启用", default=True)
    # Kept on a re-shown form, so fixing another field does not mean typing it again.
    password = PasswordField("初始密码", widget=PasswordInput(hide_value=False))
    version = VersionField("版本")

    def __init__(self, *args, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.set_options([(None, "（无）"), *(unit_choices or [])])

    def validate_talent_id(self, field):
        if self.role.data != "talent" or not field.data:
            return
        talent_id = bounded_int(field.data)
        if talent_id is None or db.session.get(Talent, talent_id) is None:
            raise ValidationError("没有这个人才编号")


class UnitForm(BaseForm):
    """A unit, as the admin creates or edits it (the same form validates the API's JSON)."""

    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"),
                                               Length(max=60, message="不超过60个字")])
    kind = ChoiceField("类型", choices=list(UNIT_KINDS.items()), validators=[DataRequired("请选择类型")])
    sort_order = IntegerField("排序", validators=[
        Optional(), NumberRange(min=0, max=100000, message="应在0到100000之间")])
    group_name = StringField("所属组（文件中的合称）", validators=[Length(max=60, message="不超过60个字")])
    active = BooleanField("在用", default=True)
    version = VersionField()


UNIT_FIELD_LABELS = {"name": "单位名称", "kind": "类型", "sort_order": "排序", "group_name": "所属组",
                     "active": "在用"}
