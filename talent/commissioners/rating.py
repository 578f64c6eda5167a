"""The public page behind a service log's QR code: the served farmer or enterprise confirms the
service and rates it, without an account. It shows the log's date, service, target and the
commissioner's name — nothing else — and is rate-limited per client."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from talent.commissioners import operations
from talent.commissioners.forms import RatingForm
from talent.core import ratelimit
from talent.core.errors import Refused
from talent.core.permissions import Permission, require
from talent.extensions import db

bp = Blueprint("rating", __name__, url_prefix="/rate")


def _within_limit() -> bool:
    config = current_app.config
    return ratelimit.hit("log-rating", ratelimit.client_address(),
                         config.get("LOG_RATING_LIMIT", 30), config.get("LOG_RATING_WINDOW", 600))


@bp.route("/<rating_token>", methods=["GET", "POST"])
@require(Permission.PUBLIC)
def rate(rating_token: str):
    if not _within_limit():
        abort(429)
    if len(rating_token) > 200:
        abort(404)
    try:
        log = operations.log_for_token(rating_token)
    except operations.RatingLinkRefused as error:
        return render_template("commissioners/rate.html", refused=error.message, log=None), 410
    form = RatingForm()
    if log.rating is None and form.validate_on_submit():
        try:
            operations.rate(log, form.score.data, form.comment.data or "")
        except Refused as error:
            db.session.rollback()
            flash(error.message, "warning")
        else:
            db.session.commit()
            flash("感谢您的评价！", "success")
        return redirect(url_for(".rate", rating_token=rating_token))
    return render_template("commissioners/rate.html", log=log, form=form, refused=None)
