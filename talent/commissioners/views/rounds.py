"""Staff pages: selection rounds."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from talent.commissioners import choices, operations
from talent.commissioners.forms import (
    RoundForm,
)
from talent.commissioners.models import (
    Commissioner,
    SelectionRound,
)
from talent.commissioners.views.common import attempt, bp, form_page, load_or_404, manager_page, staff_page
from talent.core.errors import Refused
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db


# --- rounds -----------------------------------------------------------------------------------------
@bp.get("/rounds")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def round_list():
    counts = dict(db.session.execute(select(Commissioner.round_id, func.count())
                                     .group_by(Commissioner.round_id)).all())
    rounds = list(db.session.scalars(select(SelectionRound).order_by(
        SelectionRound.year.desc(), SelectionRound.id.desc())))
    return render_template("commissioners/rounds.html", rounds=rounds, counts=counts,
                           choices=choices, manage=operations.can_manage(acting_user()))


def _round_form_page(selection_round: SelectionRound | None):
    form = RoundForm(obj=selection_round)
    if form.validate_on_submit():
        actor = acting_user()
        if selection_round is None:
            saved = attempt(form, lambda: operations.create_round(actor, form.values()))
        else:
            saved = attempt(form, lambda: operations.update_round(actor, selection_round,
                                                                   form.values()) is not None
                            and selection_round)
        if saved is not None:
            flash(f"已保存选派批次 {saved.name}", "success")
            return redirect(url_for(".round_list"))
    layout = [("year", "col-md-2"), ("level", "col-md-2"), ("name", "col-md-8"),
              ("starts_on", "col-md-3"), ("ends_on", "col-md-3"), ("checkin", "col-md-6")]
    return form_page(form, "编辑选派批次" if selection_round else "新建选派批次", layout,
                      url_for(".round_list"))


@bp.route("/rounds/new", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def round_new():
    return _round_form_page(None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def round_edit(round_id: int):
    return _round_form_page(load_or_404(SelectionRound, round_id))


def _rules_page(selection_round: SelectionRound, values: dict, errors: dict):
    return render_template("commissioners/round_rules.html", selection_round=selection_round,
                           current=operations.rules_of_round(selection_round.id), values=values,
                           errors=errors, fields=operations.RULE_FIELDS,
                           history=operations.rules_history(selection_round.id),
                           manage=operations.can_manage(acting_user()))


@bp.get("/rounds/<int:round_id>/rules")
@require(Permission.COMMISSIONERS_STAFF)
@staff_page
def round_rules(round_id: int):
    """The round's published scoring rules: the ones in force, a form for a new version (the
    bureau), and every earlier version."""
    selection_round = load_or_404(SelectionRound, round_id)
    return _rules_page(selection_round, dict(operations.rules_of_round(round_id).rules), {})


@bp.post("/rounds/<int:round_id>/rules")
@require(Permission.COMMISSIONERS_MANAGE)
@manager_page
def round_rules_publish(round_id: int):
    selection_round = load_or_404(SelectionRound, round_id)
    values = {key: request.form.get(key, "") for key, _label, _bound in operations.RULE_FIELDS}
    if not EmptyForm().validate_on_submit():
        return _rules_page(selection_round, values, {"": ["页面已过期，请刷新后重新提交"]})
    try:
        parsed = {key: _number(value) for key, value in values.items()}
        version = operations.set_rules(acting_user(), selection_round, parsed)
    except Refused as error:
        db.session.rollback()
        return _rules_page(selection_round, values, error.fields or {"": [error.message]})
    db.session.commit()
    flash(f"已发布积分规则第 {version.version} 版" if version else "积分规则没有变化", "success")
    return redirect(url_for(".round_rules", round_id=selection_round.id))


def _number(text: str):
    """A typed number, or the text itself (refused by the rules' check with the field's name)."""
    try:
        value = float(text.strip())
    except ValueError:
        return text
    return int(value) if value.is_integer() else value
