"""JSON Schema for API request bodies, generated from the WTForms form the endpoint validates with,
so that ``minLength``/``maxLength``, patterns, enums, bounds and required fields in
``/api/v1/openapi.json`` cannot drift from what the server checks.

An endpoint opts in with :func:`api_body` (``@api_body(TalentForm, defaults=CREATE_DEFAULTS)``);
:func:`talent.core.openapi.build_document` then replaces that operation's hand-written
``requestBody`` with the generated one and leaves every other operation as written.

What JSON Schema cannot say — a checksum, a row that must exist, a choice list read from the
database, one field compared with another — is marked ``x-server-rule: true`` on the property:
the server may refuse a schema-valid value there with 422, naming the field.
"""
from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, field

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
)
from wtforms.validators import (
    Optional as OptionalValidator,
)

from talent.core.validators import DB_INT_MAX

KNOWN_VALIDATORS = (DataRequired, InputRequired, OptionalValidator, Length, NumberRange, Regexp, Email)
INTEGER = {"type": "integer", "minimum": -DB_INT_MAX, "maximum": DB_INT_MAX}


@dataclass(frozen=True)
class ApiBody:
    form: type
    partial: bool = False  # a PATCH: every field optional, the current values fill the rest
    defaults: frozenset = frozenset()  # fields the endpoint fills when absent (not required)
    version: bool = False  # the body must carry the version the client read (PATCH, moves)
    exclude: frozenset = frozenset()  # form fields the endpoint does not take from JSON
    extra: dict = field(default_factory=dict)  # properties the view reads beside the form
    require: frozenset = frozenset()  # of those, the ones a body must have


def api_body(form, *, partial=False, defaults=(), version=False, exclude=(), extra=None,
             require=()):
    """Declare the form a JSON endpoint validates its body with (read by the OpenAPI document and
    by the input boundary, which refuses a PATCH without ``version`` when ``version`` is set)."""
    declared = ApiBody(form, partial, frozenset(defaults), version, frozenset(exclude), extra or {},
                       frozenset(require))

    def mark(view):
        view.api_body = declared
        return view

    return mark


def _unbound_fields(form_class):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def _validators(unbound: UnboundField) -> list:
    if "validators" in unbound.kwargs:
        return list(unbound.kwargs["validators"] or [])
    return list(unbound.args[1]) if len(unbound.args) > 1 and unbound.args[1] else []


def _choice_values(unbound: UnboundField) -> list | None:
    choices = unbound.kwargs.get("choices")
    if not choices or callable(choices):
        return None
    values = []
    for choice in choices:
        value = getattr(choice, "value", None) if not isinstance(choice, tuple | list) else choice[0]
        if value not in (None, ""):
            values.append(value)
    return values or None


def _is_int_coerce(unbound: UnboundField) -> bool:
    coerce = unbound.kwargs.get("coerce")
    return coerce is int or getattr(coerce, "__name__", "") in ("optional_int", "int")


@functools.cache
def cross_field_rules(form_class) -> frozenset[str]:
    """Fields a form's own methods add errors to (``self.note.errors.append(...)`` in an
    overridden ``validate``): rules between fields, which JSON Schema cannot state.

    Read from the source once per form class: ``inspect.getsource`` costs ~6 ms a class, and
    every app (one per test) builds the whole document for its query checks."""
    names: set[str] = set()
    for klass in form_class.__mro__:
        if not klass.__module__.startswith("talent."):
            continue
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        names.update(re.findall(r"self\.(\w+)\.errors\.append", source))
    return frozenset(names)


def property_schema(form_class, name: str, unbound: UnboundField) -> tuple[dict, bool, bool]:
    """``(schema, required, nullable)`` of one form field."""
    from talent.core.forms import LinesField, VersionField

    kind = unbound.field_class
    validators = _validators(unbound)
    required = any(isinstance(v, DataRequired | InputRequired) for v in validators)
    optional = any(isinstance(v, OptionalValidator) for v in validators)
    server_rule = hasattr(form_class, f"validate_{name}") or any(
        not isinstance(v, KNOWN_VALIDATORS) for v in validators) or name in cross_field_rules(form_class)
    if issubclass(kind, VersionField) or name == "version":  # the contract: version is an integer
        schema, required = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}, False
    elif issubclass(kind, LinesField):
        schema = {"type": "array", "items": {"type": "string", "maxLength": 500}, "maxItems": 50}
    elif issubclass(kind, BooleanField):
        schema, optional = {"type": "boolean"}, True  # null reads as false
    elif issubclass(kind, IntegerField):
        schema = dict(INTEGER)
    elif issubclass(kind, DecimalField):
        schema = {"type": "string", "pattern": r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"}
    elif issubclass(kind, FloatField):
        schema = {"type": "number", "minimum": -1e12, "maximum": 1e12}
    elif issubclass(kind, DateField):
        schema = {"type": "string", "format": "date"}
    elif issubclass(kind, SelectMultipleField):
        values = _choice_values(unbound)
        item = {"enum": values} if values else (dict(INTEGER) if _is_int_coerce(unbound)
                                                else {"type": "string"})
        schema = {"type": "array", "items": item}
        server_rule = server_rule or values is None
    elif issubclass(kind, SelectField):
        values = _choice_values(unbound)
        if values is not None and not _dynamic_choices(form_class, name):
            schema = ({"type": "integer", "enum": values} if _is_int_coerce(unbound)
                      else {"type": "string", "enum": [str(v) for v in values]})
        else:
            schema = dict(INTEGER) if _is_int_coerce(unbound) else {"type": "string"}
            server_rule = True
        optional = optional or not required
    else:
        schema = {"type": "string"}
        optional = optional or not required
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        for validator in validators:
            if isinstance(validator, Length):
                if validator.min and validator.min > 0:
                    schema["minLength"] = validator.min
                if validator.max and validator.max > 0:
                    schema["maxLength"] = validator.max
            elif isinstance(validator, Regexp):
                schema["pattern"] = validator.regex.pattern
            elif isinstance(validator, Email):
                schema["format"] = "email"
        if any(isinstance(v, DataRequired) for v in validators):
            schema.setdefault("minLength", 1)
            schema.setdefault("pattern", r"\S")  # not only spaces
        elif any(isinstance(v, InputRequired) for v in validators):
            schema.setdefault("minLength", 1)
    if schema.get("type") in ("integer", "number"):
        for validator in validators:
            if isinstance(validator, NumberRange):
                if validator.min is not None:
                    schema["minimum"] = validator.min
                if validator.max is not None:
                    schema["maximum"] = validator.max
    if server_rule:
        schema["x-server-rule"] = True
    label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
    if label:
        schema["description"] = str(label)
    return schema, required, optional and not required


def _dynamic_choices(form_class, name: str) -> bool:
    """Choices replaced in ``__init__`` (``self.x.set_options(...)``) come from the database."""
    return f"self.{name}." in _init_source(form_class)


@functools.cache
def _init_source(form_class) -> str:
    try:
        return inspect.getsource(form_class.__init__)
    except (OSError, TypeError):
        return ""


def field_json_type(form_class, name: str) -> str | None:
    """The JSON type the document gives a form field (``"string"``, ``"integer"`` …)."""
    unbound = getattr(form_class, name, None)
    if not isinstance(unbound, UnboundField):
        return None
    return property_schema(form_class, name, unbound)[0].get("type")


def body_schema(declared: ApiBody) -> dict:
    properties, required = {}, []
    for name, unbound in _unbound_fields(declared.form):
        if name in declared.exclude or name == "csrf_token":
            continue
        schema, is_required, nullable = property_schema(declared.form, name, unbound)
        if nullable:
            schema["nullable"] = True
        properties[name] = schema
        if is_required and not declared.partial and name not in declared.defaults:
            required.append(name)
    properties.update(declared.extra)
    required.extend(declared.require)
    if declared.version:
        properties["version"] = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX,
                                 "description": "读取记录时得到的版本号；过期为 409"}
        required.append("version")
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = sorted(set(required))
    return schema
