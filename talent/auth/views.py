"""Signing in and out, and a user's own password."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from talent.auth import operations
from talent.auth.forms import ChangePasswordForm, LoginForm
from talent.core.forms import EmptyForm
from talent.core.permissions import Permission, acting_user, public, require
from talent.extensions import db

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths; ``//evil.example`` and ``https://…`` fall back to the dashboard."""
    if not target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("dashboard.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if acting_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.username.data, form.password.data,
                                           client=request.remote_addr or "")
        except operations.AuthError as error:
            db.session.commit()  # keep the failure count even though sign-in failed
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(f"欢迎，{user.label}", "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@require(Permission.SIGNED_IN)
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
def change_password():
    user = acting_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append("当前密码不正确")
        else:
            try:
                operations.reset_password(user, user, form.password.data)
            except operations.AccountError as error:
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                login_user(user)  # the session stays valid after the change
                flash("密码已修改", "success")
                return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)
