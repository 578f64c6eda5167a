"""The administrator's user pages: list, create, edit, enable/disable, sign out everywhere.

Password resets (a one-time password) are in :mod:`talent.auth.passwords`, shared with 组织部."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from talent.auth import operations
from talent.auth.forms import UserForm
from talent.auth.models import Unit, User
from talent.core.errors import StaleEdit
from talent.core.forms import EmptyForm, differences
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _unit_choices():
    return [(u.id, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.sort_order))]


def _load_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _talent_id(form: UserForm) -> int | None:
    if form.role.data != "talent" or not form.talent_id.data:
        return None
    return bounded_int(form.talent_id.data)


@bp.get("/users")
@require(Permission.USERS_MANAGE)
def user_list():
    q = (request.args.get("q") or "").strip()
    query = select(User).order_by(User.id)
    if q:
        query = query.where(or_(User.username.contains(q, autoescape=True),
                                User.display_name.contains(q, autoescape=True)))
    role = request.args.get("role", "")
    if role:
        query = query.where(User.role == role)
    page = paginate(query, request.args)
    return render_template("admin/users.html", page=page, q=q, role=role)


def _show_on_form(form, error) -> None:
    """A refusal under the field it is about (the password's under 初始密码), else under 用户名."""
    shown = False
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, *messages]
            shown = True
    if not shown:
        form.username.errors = [*form.username.errors, str(error)]


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def user_new():
    form = UserForm(unit_choices=_unit_choices())
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                acting_user(), form.username.data, form.password.data or "", form.role.data,
                unit_id=form.unit_id.data, talent_id=_talent_id(form),
                display_name=form.display_name.data or "", **form.contact(),
            )
        except operations.AccountError as error:
            _show_on_form(form, error)
        else:
            db.session.commit()
            flash(f"已创建用户 {user.username}", "success")
            return redirect(url_for(".user_list"))
    return render_template("admin/user_form.html", form=form, account=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@require(Permission.USERS_MANAGE)
def user_edit(user_id: int):
    user = _load_user(user_id)
    form = UserForm(obj=user, unit_choices=_unit_choices())
    form.username.render_kw = {"readonly": True}
    if request.method == "GET":
        form.talent_id.data = str(user.talent_id or "")
    stale = None
    if form.validate_on_submit():
        form.username.data = user.username
        values = {"display_name": (form.display_name.data or "").strip(), "role": form.role.data,
                  "unit_id": form.unit_id.data, "talent_id": _talent_id(form), **form.contact()}
        try:
            operations.update_user(acting_user(), user, values, version=form.version.data)
        except StaleEdit:
            stale = differences(form, user, values)
            form.version.data = user.version
        except operations.AccountError as error:
            if error.fields:
                _show_on_form(form, error)
            else:
                form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash("用户信息已保存", "success")
            return redirect(url_for(".user_list"))
    return render_template("admin/user_form.html", form=form, account=user, stale=stale)


@bp.post("/users/<int:user_id>/active")
@require(Permission.USERS_MANAGE)
def user_toggle_active(user_id: int):
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        operations.set_active(acting_user(), user, not user.active)  # refused: flash and back
        db.session.commit()
        flash(f"已{'启用' if user.active else '停用'}用户 {user.username}", "success")
    return redirect(url_for(".user_list"))


@bp.post("/users/<int:user_id>/sessions/end")
@require(Permission.USERS_MANAGE)
def user_end_sessions(user_id: int):
    """Sign a user out everywhere (every browser and API token), e.g. when the account is misused."""
    user = _load_user(user_id)
    if EmptyForm().validate_on_submit():
        operations.end_sessions(acting_user(), user)
        db.session.commit()
        flash(f"已让 {user.username} 在所有设备上退出登录", "success")
    return redirect(url_for(".user_edit", user_id=user.id))
