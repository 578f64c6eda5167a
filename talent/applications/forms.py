"""Forms for applying and for the moves; the API validates JSON through the same classes."""
from flask_wtf.file import MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from talent.applications.machine import TARGETS
from talent.core.forms import BaseForm, ChoiceField, VersionField, optional_int


class ApplyForm(BaseForm):
    """A talent's own application (the page and the API): the employer is the one on record,
    or the one chosen here."""

    employer_id = ChoiceField("用人单位", coerce=optional_int, choices=[(None, "请选择")])
    note = TextAreaField("申请说明", validators=[Length(max=1000, message="申请说明不超过1000个字")])
    files = MultipleFileField("申请材料（PDF、JPG、PNG，每个不超过10MB）")

    def __init__(self, *args, employer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.employer_id.set_options([(None, "请选择"), *employer_choices])


class ApplyForForm(ApplyForm):
    """An employer (for its staff) or 组织部 (for anyone) applies on a talent's behalf."""

    talent_id = StringField("人才编号", validators=[DataRequired("请选择人才"),
                                                   Regexp(r"^\d{1,9}$", message="请输入人才编号（数字）")])


class TransitionForm(BaseForm):
    to = ChoiceField("操作", choices=[(t, t) for t in TARGETS], validators=[DataRequired("请选择操作")])
    note = TextAreaField("说明", validators=[Optional(), Length(max=500, message="说明不超过500个字")])
    version = VersionField("版本")
