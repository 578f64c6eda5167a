"""Talent photos: 组织部 uploads or approves one the talent submitted; staff and the talent see it."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_wtf.file import FileField, FileRequired

from talent.core import uploads
from talent.core.forms import BaseForm, EmptyForm
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.registry import operations
from talent.registry.models import Talent

bp = Blueprint("photos", __name__)

PHOTO_SIDE = 800  # px; a 35×45 mm print needs about 420×540


class PhotoForm(BaseForm):
    photo = FileField("照片", validators=[FileRequired("请选择照片文件")])


def save_uploaded_photo(form: PhotoForm) -> str:
    """Check and re-encode the upload; the key of the stored JPEG."""
    return uploads.store_image(operations.PHOTO_KIND, form.photo.data.stream, max_side=PHOTO_SIDE)


@bp.post("/talents/<int:talent_id>/photo")
@require(Permission.TALENTS_WRITE)
def photo_upload(talent_id: int):
    talent = db.get_or_404(Talent, talent_id)
    form = PhotoForm()
    if form.validate_on_submit():
        operations.set_photo(acting_user(), talent, save_uploaded_photo(form))
        db.session.commit()
        flash("照片已更新", "success")
    else:
        for message in form.photo.errors or ["上传失败，请刷新页面后重试"]:
            flash(message, "danger")
    return redirect(url_for("registry.talent_detail", talent_id=talent.id))


@bp.post("/talents/<int:talent_id>/photo/<any(approve, reject):decision>")
@require(Permission.TALENTS_WRITE)
def photo_decide(talent_id: int, decision: str):
    talent = db.get_or_404(Talent, talent_id)
    approve = decision == "approve"
    if EmptyForm().validate_on_submit() and operations.decide_photo(acting_user(), talent, approve):
        db.session.commit()
        flash("已采用提交的照片" if approve else "已退回提交的照片", "success")
    return redirect(url_for("registry.talent_detail", talent_id=talent.id))


@bp.get("/talents/<int:talent_id>/photo.jpg")
@require(Permission.SIGNED_IN)
def photo(talent_id: int):
    talent = db.get_or_404(Talent, talent_id)
    if not operations.may_see_photo(acting_user(), talent):
        abort(404)
    pending = request.args.get("pending") == "1"
    key = talent.photo_pending_key if pending else talent.photo_key
    if key is None:
        abort(404)
    try:
        data = uploads.load(operations.PHOTO_KIND, key)
    except FileNotFoundError:
        abort(404)
    response = send_file(BytesIO(data), mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
