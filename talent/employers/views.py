"""Pages: 组织部 keeps employers, their staff and accounts; an employer sees its own staff."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for

from talent.auth.operations import AccountError
from talent.commissioners import operations as service_targets
from talent.core.errors import StaleEdit
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.employers import operations
from talent.employers.forms import AccountForm, EmployerForm, StaffForm
from talent.employers.models import Employer
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("employers", __name__)

FIELD_LABELS = {"name": "单位名称", "kind": "单位类型", "uscc": "统一社会信用代码", "contact": "联系人",
                "phone": "联系电话", "active": "启用", "talent_id": "人才", "employer_id": "用人单位",
                "since": "入职日期"}


def _load(employer_id: int) -> Employer:
    return db.session.get(Employer, employer_id) or abort(404)


@bp.get("/employers")
@require(Permission.EMPLOYERS_MANAGE)
def employer_list():
    return render_template("employers/list.html", employers=operations.employers())


@bp.route("/employers/new", methods=["GET", "POST"])
@require(Permission.EMPLOYERS_MANAGE)
def employer_new():
    form = _employer_form()
    if form.validate_on_submit():
        employer = operations.create_employer(acting_user(), form.values())
        db.session.commit()
        flash(f"已新增用人单位“{employer.name}”", "success")
        return redirect(url_for(".employer_detail", employer_id=employer.id))
    return render_template("employers/form.html", form=form, employer=None)


def _employer_form(**kwargs) -> EmployerForm:
    return EmployerForm(target_choices=service_targets.target_choices(), **kwargs)


def _detail(employer: Employer, form=None, staff_form=None, account_form=None):
    return render_template(
        "employers/detail.html", employer=employer, form=form or _employer_form(obj=employer),
        staff=list(db.session.scalars(operations.staff_query(employer.id))),
        accounts=operations.accounts_of(employer), staff_form=staff_form or StaffForm(),
        account_form=account_form or AccountForm(), button=EmptyForm())


@bp.route("/employers/<int:employer_id>", methods=["GET", "POST"])
@require(Permission.EMPLOYERS_MANAGE)
def employer_detail(employer_id: int):
    employer = _load(employer_id)
    form = _employer_form(obj=employer)
    if form.validate_on_submit():
        try:
            operations.update_employer(acting_user(), employer, form.values(), form.version.data)
        except StaleEdit as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(url_for(".employer_detail", employer_id=employer_id))
        db.session.commit()
        flash("已保存", "success")
        return redirect(url_for(".employer_detail", employer_id=employer_id))
    return _detail(employer, form=form)


@bp.post("/employers/<int:employer_id>/staff")
@require(Permission.EMPLOYERS_MANAGE)
def staff_add(employer_id: int):
    employer = _load(employer_id)
    form = StaffForm()
    if not form.validate_on_submit():
        return _detail(employer, staff_form=form), 422
    talent = db.session.get(Talent, bounded_int(form.talent_id.data) or 0)
    if talent is None:
        form.talent_id.errors = ["没有这个人才编号"]
        return _detail(employer, staff_form=form), 422
    operations.set_employment(acting_user(), talent, employer, form.since.data)
    db.session.commit()
    flash(f"已将 {talent.name} 列入本单位人员", "success")
    return redirect(url_for(".employer_detail", employer_id=employer_id))


@bp.post("/employers/<int:employer_id>/staff/<int:talent_id>/remove")
@require(Permission.EMPLOYERS_MANAGE)
def staff_remove(employer_id: int, talent_id: int):
    employer = _load(employer_id)
    talent = db.session.get(Talent, talent_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    operations.end_employment(acting_user(), employer, talent)
    db.session.commit()
    flash(f"已将 {talent.name} 移出本单位人员名单", "success")
    return redirect(url_for(".employer_detail", employer_id=employer_id))


@bp.post("/employers/<int:employer_id>/accounts")
@require(Permission.EMPLOYERS_MANAGE)
def account_create(employer_id: int):
    employer = _load(employer_id)
    form = AccountForm()
    if not form.validate_on_submit():
        return _detail(employer, account_form=form), 422
    try:
        user = operations.create_account(acting_user(), employer, form.username.data.strip(),
                                         form.password.data, form.display_name.data or "")
    except AccountError as error:
        db.session.rollback()
        field = getattr(form, next(iter(error.fields or {}), "username"), form.username)
        field.errors = [*field.errors, str(error)]
        return _detail(employer, account_form=form), 422
    db.session.commit()
    flash(f"已开通用人单位账户 {user.username}", "success")
    return redirect(url_for(".employer_detail", employer_id=employer_id))


@bp.get("/employer")
@require(Permission.EMPLOYER_DESK)
def desk():
    """An employer's own page: who works there (its staff, as 组织部 recorded them)."""
    employer = _load(acting_user().employer_id or 0)
    return render_template("employers/desk.html", employer=employer,
                           staff=list(db.session.scalars(operations.staff_query(employer.id))))
