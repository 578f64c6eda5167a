"""忘记密码: whom to ask (public), and staff giving an account a one-time password.

No SMS here: a user who has forgotten their password asks 组织部 (talents, commissioners) or
an administrator (everyone), who resets it to a one-time password shown once on screen. The
user signs in with it and must choose their own before anything else (``auth.feature``'s gate).
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import or_

from talent.auth import operations
from talent.auth.forms import PortalAccountForm
from talent.auth.models import User
from talent.core.forms import EmptyForm
from talent.core.pagination import paginate
from talent.core.permissions import ROLE_LABELS, Permission, acting_user, public, require
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("passwords", __name__)


@bp.get("/password/forgot")
@public
def forgot():
    return render_template("auth/forgot.html",
                           org_contact_phone=current_app.config.get("ORG_CONTACT_PHONE", ""))


def _resettable(user_id: int) -> User:
    """Someone else's account: 404 when there is none, 403 when this actor may not reset it."""
    user = db.get_or_404(User, user_id)
    if not operations.may_reset(acting_user(), user):
        abort(403)
    return user


@bp.get("/accounts")
@require(Permission.PASSWORDS_RESET)
def accounts():
    q = (request.args.get("q") or "").strip()[:40]
    query = operations.resettable_by(acting_user()).order_by(User.id)
    if q:
        query = query.where(or_(User.username.contains(q, autoescape=True),
                                User.display_name.contains(q, autoescape=True)))
    return render_template("auth/accounts.html", page=paginate(query, request.args), q=q,
                           role_labels={str(k): v for k, v in ROLE_LABELS.items()})


@bp.get("/accounts/<int:user_id>/password-reset")
@require(Permission.PASSWORDS_RESET)
def reset_confirm(user_id: int):
    return render_template("auth/reset_confirm.html", account=_resettable(user_id), form=EmptyForm())


@bp.post("/accounts/<int:user_id>/password-reset")
@require(Permission.PASSWORDS_RESET)
def reset(user_id: int):
    """The one-time password is rendered in this answer and nowhere else: not in a flash
    message (the session cookie is signed, not encrypted), not in the audit log, not stored."""
    account = _resettable(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_confirm.html", account=account, form=form,
                               refused="页面已过期，请重新点击“生成一次性密码”"), 400
    seen = request.form.get("version")
    if seen is not None and seen != str(account.version):
        # Most often F5 on the result page, which re-posts this form: a second reset would
        # silently void the password just read out to the person.
        return render_template("auth/reset_confirm.html", account=account, form=form,
                               refused="该账户的密码刚刚已重置过（可能是刷新了结果页）：之前显示的一次性密码仍然有效。"
                                       "确需重新生成，请再点一次“生成一次性密码”"), 409
    password = operations.issue_one_time_password(acting_user(), account)  # refused: flash, back
    db.session.commit()
    return render_template("auth/reset_done.html", account=account, password=password)


@bp.post("/talents/<int:talent_id>/account")
@require(Permission.PASSWORDS_RESET)
def open_talent_account(talent_id: int):
    """个人账户 for a talent, opened by 组织部 from the talent's page; the one-time password is
    shown in this answer only (as on a reset)."""
    talent = db.get_or_404(Talent, talent_id)
    form = PortalAccountForm()
    back = url_for("registry.talent_detail", talent_id=talent.id)
    if not form.validate_on_submit():
        flash("；".join(m for messages in form.errors.values() for m in messages), "danger")
        return redirect(back)
    try:
        account, password = operations.open_portal_account(acting_user(), talent, form.username.data)
    except operations.AccountError as error:
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    return render_template("auth/reset_done.html", account=account, password=password, opened=True,
                           back=back)
