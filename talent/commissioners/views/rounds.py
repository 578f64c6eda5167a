"""Staff pages: selection rounds."""

from flask import flash, redirect, render_template, url_for
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
              ("starts_on", "col-md-3"), ("ends_on", "col-md-3")]
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
