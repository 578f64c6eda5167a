"""Form bases: Chinese messages, a CSRF-only form for buttons, and JSON input for the API.

The same form classes validate HTML posts and JSON bodies: the API turns a JSON
object into form data with :func:`json_to_formdata` and validates it through
the very form the page uses.
"""
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from talent.core.validators import bounded_int


def form_labels(form_class) -> dict[str, str]:
    """Field name → label of a form class, without instantiating it (no request needed)."""
    return {name: value.args[0] for name in dir(form_class)
            if isinstance(value := getattr(form_class, name), UnboundField) and value.args}


class BaseForm(FlaskForm):
    class Meta:
        locales = ("zh",)


class EmptyForm(BaseForm):
    """A POST-only button (disable, mark as left …) still carries a CSRF token."""


class MaterialForm(BaseForm):
    """补充材料 on a record's page (a card application, an allowance claim): files and CSRF."""

    files = MultipleFileField("补充材料")


class JsonTypeError(ValueError):
    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("bad types")
        self.fields = fields


def json_to_formdata(data: dict, list_fields: frozenset = frozenset()) -> MultiDict:
    """Flatten a JSON object into form data; reject values of the wrong JSON type."""
    pairs, errors = [], {}
    for key, value in data.items():
        if key in list_fields:
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[key] = ["应为字符串列表"]
                continue
            pairs.extend((key, v) for v in value)
            if not value:
                pairs.append((key, ""))
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif value is None:
            pairs.append((key, ""))
        elif isinstance(value, str | int | float):
            pairs.append((key, str(value)))
        else:
            errors[key] = ["应为字符串、数字或布尔值"]
    if errors:
        raise JsonTypeError(errors)
    return MultiDict(pairs)


def optional_int(value):
    """A select's id, or None for its blank option; anything that cannot be an id is a ValueError
    (the field then reports an invalid choice) — never a number too large for the database."""
    if value in (None, "", "None"):
        return None
    number = bounded_int(value)
    if number is None:
        raise ValueError(f"not an id: {value!r}")
    return number


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=text) for value, text in pairs]


class ChoiceField(SelectField):
    """A select whose bad value reads as a clear Chinese message; choices given as pairs."""

    def __init__(self, label=None, validators=None, choices=(), **kwargs):
        super().__init__(label, validators, choices=options(choices), **kwargs)

    def set_options(self, pairs) -> None:
        self.choices = options(pairs)

    def pre_validate(self, form):
        allowed = {self.coerce(choice.value) if choice.value is not None else None
                   for choice in self.choices}
        blank_allowed = bool(allowed & {None, ""})
        if self.data in (None, "") and blank_allowed:
            return
        if self.data not in allowed:
            # Say what was given and what is allowed: an import row has no list to pick from.
            given = "" if self.data is None else str(self.data)
            allowed_labels = "、".join(str(c.label) for c in self.choices if c.value not in (None, ""))
            if not given or len(allowed_labels) > 200:
                raise ValidationError("请从列表中选择有效的选项")
            raise ValidationError(f"“{given[:30]}”不是有效的{self.label.text}，可选：{allowed_labels}")


class DayField(DateField):
    """A calendar date whose bad value says which format is expected."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("日期格式应为 年-月-日，如 2024-05-01") from None


class LinesField(TextAreaField):
    """A list of texts: one per line in the page, a JSON list in the API."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1:
            valuelist = valuelist[0].splitlines()
        self.data = [v.strip() for v in valuelist if v and v.strip()]

    def _value(self):
        return "\n".join(self.data or [])


class VersionField(HiddenField):
    """The row ``version`` a form was opened at, sent back hidden (optimistic concurrency)."""

    def process_formdata(self, valuelist):
        self.data = bounded_int(valuelist[0]) if valuelist else None


def _shown(field, value) -> str:
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    for choice in getattr(field, "choices", None) or []:
        if getattr(choice, "value", None) == value or str(getattr(choice, "value", "")) == str(value):
            return str(choice.label)
    return str(value)


def differences(form, obj, values: dict) -> list[tuple[str, str, str]]:
    """``(label, saved now, you entered)`` for every field where the stored record and the
    submitted form disagree: what a stale save shows so the clerk sees the other's change."""
    rows = []
    for name, submitted in values.items():
        current = getattr(obj, name, None)
        if current == submitted or (current in (None, "", []) and submitted in (None, "", [])):
            continue
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        rows.append((label, _shown(field, current), _shown(field, submitted)))
    return rows
