"""单位管理: the admin's unit pages and the units API (name, kind, order, active, audit trail).

A unit is never deleted: one with accounts or history is retired (停用) and stays readable."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from talent.auth import units as unit_ops
from talent.auth.forms import UNIT_FIELD_LABELS, UnitForm
from talent.auth.models import Unit
from talent.core import audit, features
from talent.core.api import json_body, page_envelope, validated
from talent.core.errors import ApiError, StaleEdit
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db

bp = Blueprint("units", __name__, url_prefix="/admin/units")
api_bp = Blueprint("units_api", __name__, url_prefix="/api/v1/units")


def _values(form: UnitForm) -> dict:
    values = {"name": form.name.data, "kind": form.kind.data,
              "group_name": (form.group_name.data or "").strip(), "active": bool(form.active.data)}
    if form.sort_order.data is not None:
        values["sort_order"] = form.sort_order.data
    return values


@bp.route("", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def unit_list():
    form = UnitForm(data={"kind": "county", "active": True})
    if request.method == "POST":
        if form.validate_on_submit():
            unit = unit_ops.create_unit(acting_user(), _values(form))
            db.session.commit()
            flash(f"已新增单位“{unit.name}”", "success")
            return redirect(url_for(".unit_list"))
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
    rows = list(db.session.scalars(unit_ops.units_query()))
    return render_template("admin/units.html", rows=rows, form=form)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def unit_edit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            changes = unit_ops.update_unit(acting_user(), unit, _values(form), form.version.data)
        except StaleEdit as stale:
            db.session.rollback()
            flash(stale.message, "danger")
            return redirect(url_for(".unit_edit", unit_id=unit_id))
        db.session.commit()
        flash("已保存" if changes else "没有改动", "success")
        return redirect(url_for(".unit_edit", unit_id=unit.id))
    return render_template("admin/unit_form.html", unit=unit, form=form,
                           has_history=unit_ops.has_history(unit),
                           history=audit.history("units", unit.id), action_labels=features.audit_actions(),
                           field_labels=UNIT_FIELD_LABELS)


def unit_body(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "sort_order": unit.sort_order,
            "active": unit.active, "group_name": unit.group_name or None, "version": unit.version}


@api_bp.get("")
@require(Permission.USERS_MANAGE)
def api_unit_index():
    query = unit_ops.units_query(include_retired=request.args.get("active") != "true")
    if request.args.get("kind"):
        query = query.where(Unit.kind == request.args["kind"][:10])
    return page_envelope(paginate(query, request.args), unit_body)


@api_bp.post("")
@require(Permission.USERS_MANAGE)
def api_unit_create():
    data = json_body()
    form = validated(UnitForm, {"active": True, **data})
    unit = unit_ops.create_unit(acting_user(), _values(form))
    db.session.commit()
    return unit_body(unit), 201, {"Location": url_for(".api_unit_index")}


@api_bp.patch("/<int:unit_id>")
@require(Permission.USERS_MANAGE)
def api_unit_update(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    data = json_body()
    version = data.pop("version", None)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ApiError(422, fields={"version": ["请提供整数 version"]})
    base = {"name": unit.name, "kind": unit.kind, "sort_order": unit.sort_order, "active": unit.active,
            "group_name": unit.group_name}
    form = validated(UnitForm, data, base=base)
    unit_ops.update_unit(acting_user(), unit, _values(form), version)
    db.session.commit()
    return unit_body(unit)
