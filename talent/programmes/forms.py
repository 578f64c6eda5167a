"""Forms for programmes, calls and recommendations; the API validates JSON through the same classes."""
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from talent.core import timeutil
from talent.core.forms import BaseForm, ChoiceField, optional_int
from talent.extensions import db
from talent.programmes.models import LEVELS, OUTCOMES, SOURCES
from talent.registry.models import Talent

FIRST_YEAR = 2000


def _pairs(values: dict, blank: str | None = None) -> list[tuple]:
    pairs = list(values.items())
    return [("", blank), *pairs] if blank else pairs


class ProgrammeForm(BaseForm):
    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"),
                                               Length(max=100, message="项目名称不超过100个字")])
    level = ChoiceField("级别", choices=_pairs(LEVELS, "请选择"), validators=[DataRequired("请选择级别")])
    organiser = StringField("组织单位", validators=[Length(max=100, message="组织单位不超过100个字")])
    description = TextAreaField("说明", validators=[Length(max=500, message="说明不超过500个字")])
    active = BooleanField("受理推荐", default=True)

    def values(self) -> dict:
        return {"name": self.name.data.strip(), "level": self.level.data,
                "organiser": (self.organiser.data or "").strip(),
                "description": (self.description.data or "").strip(), "active": bool(self.active.data)}


def _year_validators():
    return [InputRequired("请填写年度"),
            NumberRange(min=FIRST_YEAR, max=2100, message=f"年度应在 {FIRST_YEAR}–2100 之间")]


class CallForm(BaseForm):
    year = IntegerField("年度", validators=_year_validators())
    deadline = DateField("申报截止日期", validators=[Optional()], format="%Y-%m-%d")
    note = StringField("备注", validators=[Length(max=200, message="备注不超过200个字")])

    def validate_year(self, field):
        if field.data and field.data > timeutil.today().year + 1:
            raise ValidationError("只能设置到明年的申报年度")


class OutcomeForm(BaseForm):
    """The outcome of a recommendation; also the tail of the full recommendation form."""

    outcome = ChoiceField("结果", choices=_pairs(OUTCOMES), default="pending")
    decided_on = DateField("公布日期", validators=[Optional()], format="%Y-%m-%d")
    document_no = StringField("文号", validators=[Length(max=100, message="文号不超过100个字")])
    version = HiddenField("版本")

    def validate_decided_on(self, field):
        if field.data and field.data > timeutil.today():
            raise ValidationError("公布日期不能晚于今天")

    def validate_version(self, field):
        if field.data not in (None, "") and not str(field.data).isdigit():
            raise ValidationError("版本号应为整数")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.outcome.data in ("selected", "not_selected") and not self.decided_on.data \
                and not self.decided_on.errors:
            self.decided_on.errors.append("记录入选或未入选时请填写公布日期")
            valid = False
        return valid

    def outcome_values(self) -> dict:
        pending = self.outcome.data == "pending"
        return {"outcome": self.outcome.data,
                "decided_on": None if pending else self.decided_on.data,
                "document_no": "" if pending else (self.document_no.data or "").strip()}

    def version_value(self) -> int | None:
        return int(self.version.data) if str(self.version.data or "").isdigit() else None


class RecommendationForm(OutcomeForm):
    talent_id = IntegerField("人才编号", validators=[InputRequired("请选择被推荐的人才")])
    programme_id = ChoiceField("推荐项目", coerce=optional_int, choices=[(None, "请选择")],
                               validators=[InputRequired("请选择推荐项目")])
    year = IntegerField("申报年度", validators=_year_validators())
    source = ChoiceField("发掘渠道", choices=_pairs(SOURCES), default="other")
    note = TextAreaField("推荐说明", validators=[Length(max=500, message="推荐说明不超过500个字")])

    def __init__(self, *args, programme_choices: list[tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_id.set_options([(None, "请选择"), *(programme_choices or [])])

    def validate_talent_id(self, field):
        talent = db.session.get(Talent, field.data) if field.data and 0 < field.data < 2**31 else None
        if talent is None:
            raise ValidationError("人才编号不存在")

    def validate_programme_id(self, field):
        if field.data is None:
            raise ValidationError("请选择推荐项目")

    def validate_year(self, field):
        if field.data and field.data > timeutil.today().year + 1:
            raise ValidationError("只能推荐到明年的申报年度")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.source.data == "other" and not (self.note.data or "").strip() and not self.note.errors:
            self.note.errors.append("发掘渠道为“其他”时请在推荐说明中写明")
            valid = False
        return valid

    def values(self) -> dict:
        return {"talent_id": self.talent_id.data, "programme_id": self.programme_id.data,
                "year": self.year.data, "source": self.source.data,
                "note": (self.note.data or "").strip(), **self.outcome_values()}


class RecommendationPageForm(RecommendationForm):
    """The page adds the application material; the JSON API leaves files out."""

    attachment = FileField("申报材料（PDF/JPG/PNG，不超过10MB）")
