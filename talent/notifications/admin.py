"""The administrator's pages for notices outside the browser: every delivery with its state, the
dead-letter list with 重新发送, and each unit's work-group robot."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import audit
from talent.core.forms import EmptyForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.notifications import channels, outbox
from talent.notifications.models import DELIVERY_STATUSES, Delivery, UnitWebhook

bp = Blueprint("notifications_admin", __name__, url_prefix="/notifications")


@bp.get("/deliveries")
@require(Permission.USERS_MANAGE)
def deliveries():
    status = request.args.get("status", "dead")
    query = select(Delivery).order_by(Delivery.id.desc())
    if status in DELIVERY_STATUSES:
        query = query.where(Delivery.status == status)
    else:
        status = ""
    units = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    return render_template("notifications/deliveries.html", page=paginate(query, request.args),
                           status=status, units=units,
                           enabled={"email": channels.email_enabled(), "sms": channels.sms_enabled()})


@bp.post("/deliveries/<int:delivery_id>/resend")
@require(Permission.USERS_MANAGE)
def resend(delivery_id: int):
    delivery = db.get_or_404(Delivery, delivery_id)
    if EmptyForm().validate_on_submit():
        if outbox.resend(acting_user(), delivery):
            db.session.commit()
            flash("已重新放入发送队列", "success")
        else:
            flash("这条记录不是“已放弃”状态，无需重新发送", "warning")
    return redirect(url_for(".deliveries", status="dead"))


@bp.get("/webhooks")
@require(Permission.USERS_MANAGE)
def webhooks():
    units = list(db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))
    hooks = {h.unit_id: h for h in db.session.scalars(select(UnitWebhook))}
    return render_template("notifications/webhooks.html", units=units, hooks=hooks)


@bp.post("/webhooks/<int:unit_id>")
@require(Permission.USERS_MANAGE)
def webhook_set(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".webhooks"))
    kind = request.form.get("kind", "")
    url = (request.form.get("url") or "").strip()
    secret = (request.form.get("secret") or "").strip()
    hook = db.session.get(UnitWebhook, unit.id)
    if not url:
        if hook is not None:
            db.session.delete(hook)
            audit.record(acting_user(), "delete", hook, summary=f"{unit.name} 工作群机器人")
            db.session.commit()
            flash(f"已删除{unit.name}的工作群机器人", "success")
        return redirect(url_for(".webhooks"))
    error = _check_webhook(kind, url, secret)
    if error:
        flash(f"{unit.name}：{error}", "danger")
        return redirect(url_for(".webhooks"))
    before = {"kind": hook.kind, "url": hook.url} if hook else None
    if hook is None:
        hook = UnitWebhook(unit_id=unit.id, kind=kind, url=url, secret=secret)
        db.session.add(hook)
    else:
        hook.kind, hook.url = kind, url
        if secret:
            hook.secret = secret
    db.session.flush()
    changes = {"kind": [before and before["kind"], kind], "url": [before and before["url"], url]}
    if secret:
        changes["secret"] = ["***", "***（已更换）"]
    audit.record(acting_user(), "update" if before else "create", hook, changes,
                 summary=f"{unit.name} 工作群机器人")
    db.session.commit()
    flash(f"已保存{unit.name}的工作群机器人", "success")
    return redirect(url_for(".webhooks"))


WEBHOOK_KINDS = ("wecom", "dingtalk")


def _check_webhook(kind: str, url: str, secret: str) -> str:
    if kind not in WEBHOOK_KINDS:
        return "请选择企业微信或钉钉"
    if len(url) > 300 or not url.startswith(("https://", "http://")):
        return "Webhook 地址应以 https:// 开头"
    if len(secret) > 100:
        return "加签密钥过长"
    return ""
