"""The inbox page and its read marks. A reader sees and marks only their own notifications."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from talent.core.forms import EmptyForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.notifications import channels, operations, outbox, rules
from talent.notifications.models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _own(notification_id: int) -> Notification:
    notification = db.session.scalar(operations.visible_to(acting_user()).where(
        Notification.id == notification_id))
    return notification or abort(404)


@bp.get("")
@require(Permission.SIGNED_IN)
def inbox():
    user = acting_user()
    unread_only = request.args.get("unread") == "1"
    query = operations.visible_to(user).order_by(Notification.id.desc())
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    page = paginate(query.options(selectinload(Notification.deliveries)), request.args)
    return render_template("notifications/inbox.html", page=page, unread_only=unread_only,
                           unread=operations.unread_count(user))


@bp.post("/<int:notification_id>/read")
@require(Permission.SIGNED_IN)
def read(notification_id: int):
    notification = _own(notification_id)
    if EmptyForm().validate_on_submit():
        operations.mark_read(acting_user(), notification)
        db.session.commit()
    return redirect(notification.link or url_for("notifications.inbox"))


@bp.post("/read-all")
@require(Permission.SIGNED_IN)
def read_all():
    if EmptyForm().validate_on_submit():
        operations.mark_all_read(acting_user())
        db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
def settings():
    """The account's own contact details and, per group of notices, SMS and e-mail on or off."""
    from talent.auth import operations as accounts
    from talent.auth.forms import ContactForm

    user = acting_user()
    form = ContactForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_contact(user, user, **form.contact())
        except accounts.AccountError as error:
            for name, messages in (error.fields or {}).items():
                getattr(form, name).errors = [*getattr(form, name).errors, *messages]
        else:
            operations.set_channel_choices(user, {
                group: (request.form.get(f"sms_{group}") == "1", request.form.get(f"email_{group}") == "1")
                for group in rules.GROUPS})
            db.session.commit()
            flash("短信与邮件设置已保存", "success")
            return redirect(url_for(".settings"))
    fallback = outbox.talent_contact(user) if user.role == "talent" else None
    return render_template("notifications/settings.html", form=form, groups=rules.GROUPS,
                           chosen=operations.channel_choices(user), fallback=fallback,
                           enabled={"email": channels.email_enabled(), "sms": channels.sms_enabled()})
