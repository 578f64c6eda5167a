"""Signing in and out, and a user's own password."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import login_user, logout_user
from markupsafe import Markup, escape

from talent.auth import operations
from talent.auth.forms import ChangePasswordForm, LoginForm, NewPasswordForm
from talent.core.forms import EmptyForm
from talent.core.i18n import chinese
from talent.core.permissions import Permission, acting_user, public, require
from talent.core.ratelimit import client_address
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
                                           client=client_address())
        except operations.AuthError as error:
            db.session.commit()  # keep the failure count even though sign-in failed
            form.password.errors.append(str(error))
        else:
            if user.must_change_password:
                operations.consume_one_time_password(user)  # it works this once
                db.session.commit()
                _start_session(user)
                flash(gettext("您的密码由他人设置，请先设置自己的新密码"), "warning")
                return redirect(url_for("auth.change_password"))
            db.session.commit()
            _start_session(user)
            flash(Markup(escape(gettext("欢迎，%(name)s"))) % {"name": chinese(user.label)}, "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _start_session(user) -> None:
    """A fresh session on every sign-in: nothing (no CSRF token, no flash) carries over from
    before, so a session id or token planted before sign-in is worthless after it."""
    session.clear()
    login_user(user)


def _forget_on_this_device(response):
    """Signing out leaves nothing personal in this browser: the offline copies of pages (Cache
    Storage), the phone's queue of unsent logs (IndexedDB; the page warned before) and the
    service worker go too."""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.post("/logout")
@require(Permission.SIGNED_IN)
def logout():
    if EmptyForm().validate_on_submit():
        operations.record_sign_out(acting_user())
        db.session.commit()
        logout_user()
        session.clear()
        flash("已退出登录", "info")
        return _forget_on_this_device(redirect(url_for("auth.login")))
    return redirect(url_for("auth.login"))


@bp.post("/account/sessions/end")
@require(Permission.SIGNED_IN)
def end_sessions():
    """退出所有设备: every browser and API token signed in as this account, this one included."""
    if EmptyForm().validate_on_submit():
        operations.end_sessions(acting_user(), acting_user())
        db.session.commit()
        logout_user()
        session.clear()
        flash("已退出所有设备上的登录，请重新登录", "info")
        return _forget_on_this_device(redirect(url_for("auth.login")))
    return redirect(url_for("auth.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
def change_password():
    """A user's own password. After a one-time password (``must_change_password``) this is the
    only page the account reaches, and the current password is not asked: it was the one-time
    password this session signed in with, which no longer works."""
    user = acting_user()
    forced = user.must_change_password
    form = NewPasswordForm() if forced else ChangePasswordForm()
    if form.validate_on_submit():
        if not forced and not user.check_password(form.current.data):
            form.current.errors.append("当前密码不正确")
        else:
            try:
                operations.change_password(user, form.password.data)
            except operations.AccountError as error:
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                _start_session(user)  # other sessions end; this one goes on, renewed
                flash("新密码已设置，欢迎使用" if forced else "密码已修改", "success")
                return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form, end_form=EmptyForm(), forced=forced)
