"""The talent and team forms; the talent form also validates API bodies and import rows."""
import pycountry
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from talent.core import timeutil
from talent.core.forms import BaseForm, ChoiceField, DayField, LinesField, VersionField, optional_int
from talent.core.validators import (
    InvalidValue,
    check_passport,
    check_phone,
    normalize_id_number,
    parse_hmt_residence_permit,
    parse_permanent_resident_id,
    parse_resident_id,
)
from talent.registry import choices


def _options(values: dict, blank: str | None = None) -> list[tuple]:
    options = [(k, v) for k, v in values.items()]
    return [("", blank), *options] if blank else options


def _past_date(field):
    if field.data and field.data > timeutil.today():
        raise ValidationError("日期不能晚于今天")


class CountryField(StringField):
    """国籍 as a searchable text box (a datalist of ISO 3166 names); shown as 德国（DE）, stored as DE."""

    def _value(self):
        return choices.nationality_display(self.data) if self.data else ""


class TalentForm(BaseForm):
    """Validates the page form, API bodies (through ``core.api.validated``) and import rows alike."""

    name = StringField(
        "姓名", validators=[DataRequired("请填写姓名"), Length(max=50, message="姓名不超过50个字")]
    )
    id_type = ChoiceField("证件类型", choices=_options(choices.ID_TYPES), default="resident_id")
    id_number = StringField("证件号码", validators=[DataRequired("请填写证件号码")])
    nationality = CountryField("国籍（地区）", default="CN",
                               validators=[DataRequired("请选择国籍（地区）")])
    gender = ChoiceField("性别", choices=_options(choices.GENDERS, "（按身份证自动识别）"))
    birth_date = DayField(
        "出生日期", validators=[Optional()], format="%Y-%m-%d",
    )
    phone = StringField("联系电话", validators=[Optional()])
    email = StringField(
        "电子邮箱",
        validators=[Optional(), Email("电子邮箱格式不正确"), Length(max=120)],
    )
    education = ChoiceField("学历", choices=_options(choices.EDUCATIONS, "请选择"),
                            validators=[DataRequired("请选择学历")])
    title_level = ChoiceField("职称等级", choices=_options(choices.TITLE_LEVELS), default="none")
    title_name = StringField("职称名称", validators=[Length(max=60, message="职称名称不超过60个字")])
    employer = StringField(
        "工作单位",
        validators=[DataRequired("请填写工作单位"), Length(max=100, message="工作单位不超过100个字")],
    )
    field = ChoiceField("专业领域", choices=_options(choices.FIELDS, "请选择"),
                        validators=[DataRequired("请选择专业领域")])
    category = ChoiceField("人才类别", choices=_options(choices.CATEGORIES), default="none")
    source = ChoiceField("人才来源", choices=_options(choices.SOURCES), default="local")
    introduced_on = DayField("引进时间", validators=[Optional()], format="%Y-%m-%d")
    programme_level = ChoiceField(
        "入选人才计划", choices=_options(choices.PROGRAMME_LEVELS), default="none"
    )
    works_in_county = BooleanField("在县内工作", default=True)
    team_id = ChoiceField("所属团队", coerce=optional_int, choices=[(None, "无")])
    honors = LinesField("荣誉称号（每行一项）")
    status = ChoiceField("状态", choices=_options(choices.STATUSES), default="active")
    version = VersionField("版本")

    LIST_FIELDS = frozenset({"honors"})

    def __init__(self, *args, team_choices: list[tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id.set_options([(None, "无"), *(team_choices or [])])

    def validate_nationality(self, field):
        code = choices.nationality_code(field.data)
        if code is None:
            raise ValidationError(f"“{field.data}”不是可识别的国家或地区，请从列表中选择，如 中国、德国")
        field.data = code

    def validate_phone(self, field):
        try:
            field.data = check_phone(field.data)
        except InvalidValue as error:
            raise ValidationError(str(error)) from None

    def validate_birth_date(self, field):
        _past_date(field)

    def validate_introduced_on(self, field):
        _past_date(field)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.id_number.data and not self.id_number.errors:
            valid = self._validate_identity() and valid
        if self.source.data == "introduced" and not self.introduced_on.data:
            self.introduced_on.errors.append("引进人才请填写引进时间")
            valid = False
        return valid

    def _validate_identity(self) -> bool:
        """Resident IDs give birth date and gender; a filled value must agree with them."""
        self.id_number.data = normalize_id_number(self.id_number.data)
        try:
            if self.id_type.data == "passport":
                self.id_number.data = check_passport(self.id_number.data)
                if self.nationality.data == "CN":
                    self.nationality.errors.append("持护照登记的为外籍人才，请填写其国籍代码")
                    return False
                if not self.gender.data:
                    self.gender.errors.append("请选择性别")
                    return False
                return True
            if self.id_type.data == "foreign_permanent_resident":
                resident = parse_permanent_resident_id(self.id_number.data)
                ok = self._foreign_nationality(resident.number)
            elif self.id_type.data == "hmt_residence_permit":
                resident, region = parse_hmt_residence_permit(self.id_number.data)
                ok = self._region_nationality(region)
            else:
                resident = parse_resident_id(self.id_number.data)
                ok = True
                if self.nationality.data and self.nationality.data != "CN":
                    message = ("港澳台居民请选择证件类型“港澳台居民居住证”或护照"
                               if self.nationality.data in choices.CHINESE_REGIONS else
                               "外籍人才请选择证件类型“护照”或“外国人永久居留身份证”")
                    self.nationality.errors.append(message)
                    ok = False
        except InvalidValue as error:
            self.id_number.errors.append(str(error))
            return False
        self.id_number.data = resident.number
        kind = "身份证" if self.id_type.data == "resident_id" else "证件"
        if not resident.gender and not self.gender.data:  # the old permanent-residence number
            self.gender.errors.append("请选择性别")
            ok = False
        if self.birth_date.data and self.birth_date.data != resident.birth_date:
            self.birth_date.errors.append(
                f"出生日期与{kind}号码不符（{kind}为 {resident.birth_date:%Y-%m-%d}）"
            )
            ok = False
        if resident.gender and self.gender.data and self.gender.data != resident.gender:
            self.gender.errors.append(
                f"性别与{kind}号码不符（{kind}为{choices.GENDERS[resident.gender]}）"
            )
            ok = False
        if ok:
            self.birth_date.data = resident.birth_date
            self.gender.data = resident.gender or self.gender.data
        return ok

    def _foreign_nationality(self, number: str) -> bool:
        """A permanent resident is a foreigner: the nationality is theirs (the old number names
        it in its first three letters, which fill in a nationality left at 中国)."""
        nationality = self.nationality.data
        if len(number) == 15:
            country = pycountry.countries.get(alpha_3=number[:3])
            if nationality in ("", "CN"):
                self.nationality.data = nationality = country.alpha_2
            elif nationality != country.alpha_2:
                shown = choices.label("nationality", country.alpha_2)
                self.nationality.errors.append(f"国籍与证件号码不符（证件为{shown}）")
                return False
        if nationality in ("", "CN", *choices.CHINESE_REGIONS):
            self.nationality.errors.append("外国人永久居留身份证的持有人为外籍人士，请选择其国籍")
            return False
        return True

    def _region_nationality(self, region: str) -> bool:
        """A 港澳台居民居住证 names the region; a nationality left at 中国 becomes it."""
        if self.nationality.data in ("", "CN"):
            self.nationality.data = region
        if self.nationality.data != region:
            self.nationality.errors.append(
                f"国籍（地区）与居住证号码不符（号码为{choices.label('nationality', region)}）")
            return False
        return True

    def talent_values(self) -> dict:
        """The validated values, named as the model's columns."""
        return {
            "name": self.name.data.strip(),
            "gender": self.gender.data,
            "id_type": self.id_type.data,
            "id_number": self.id_number.data,
            "nationality": self.nationality.data,
            "birth_date": self.birth_date.data,
            "phone": self.phone.data or "",
            "email": (self.email.data or "").strip(),
            "education": self.education.data,
            "title_level": self.title_level.data,
            "title_name": (self.title_name.data or "").strip(),
            "employer": self.employer.data.strip(),
            "field": self.field.data,
            "category": self.category.data,
            "source": self.source.data,
            "introduced_on": self.introduced_on.data,
            "programme_level": self.programme_level.data,
            "works_in_county": bool(self.works_in_county.data),
            "team_id": self.team_id.data,
            "honors": self.honors.data or [],
            "status": self.status.data,
        }


class TeamForm(BaseForm):
    name = StringField(
        "团队名称",
        validators=[DataRequired("请填写团队名称"), Length(max=100, message="团队名称不超过100个字")],
    )
    leader_id = ChoiceField("团队带头人", coerce=optional_int, choices=[(None, "（暂未指定）")])
    field = ChoiceField("专业领域", choices=_options(choices.FIELDS, "请选择"),
                        validators=[DataRequired("请选择专业领域")])
    introduced_on = DayField("引进时间", validators=[Optional()], format="%Y-%m-%d")
    description = StringField("简介", validators=[Length(max=1000, message="简介不超过1000个字")])
    version = VersionField("版本")

    def __init__(self, *args, leader_choices: list[tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.leader_id.set_options([(None, "（暂未指定）"), *(leader_choices or [])])

    def validate_introduced_on(self, field):
        _past_date(field)

    def team_values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "leader_id": self.leader_id.data,
            "field": self.field.data,
            "introduced_on": self.introduced_on.data,
            "description": (self.description.data or "").strip(),
        }


class CorrectionReplyForm(BaseForm):
    reply = StringField("答复", validators=[Length(max=500, message="答复不超过500个字")])
