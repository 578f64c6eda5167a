"""The talent's own requests (phone first): file with attachments, follow the timeline, supply
materials, withdraw, reopen, rate."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from talent.core import timeutil
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db
from talent.registry.models import Talent
from talent.services import operations as services
from talent.services.forms import RatingForm, RequestForm, TransitionForm
from talent.services.machine import MOVES
from talent.services.models import ServiceRequest
from talent.services.views import first_error, load_visible, send_attachment, type_choices, uploaded_files

bp = Blueprint("my_services", __name__, url_prefix="/me/services")


def _own_talent() -> Talent:
    return db.session.get(Talent, acting_user().talent_id or 0) or abort(404)


def _card_context(talent: Talent) -> dict:
    """A card holder sees, per type, the benefit of their tier it relates to."""
    card = services.valid_card(talent, timeutil.today())
    benefits = {}
    if card is not None:
        for stype in services.types():
            benefit = services.related_benefit(stype, card.tier)
            if benefit is not None and benefit.text:
                benefits[stype.code] = benefit.text
    return {"card": card, "benefits": benefits}


@bp.get("")
@require(Permission.PORTAL)
def index():
    talent = _own_talent()
    query = services.with_related(services.visible_to(acting_user())).order_by(ServiceRequest.id.desc())
    count = select(func.count()).where(ServiceRequest.talent_id == talent.id)
    page = paginate(query, request.args, count_query=count)
    return render_template("services/my_list.html", page=page, talent=talent, today=timeutil.today())


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.PORTAL)
def new():
    talent = _own_talent()
    form = RequestForm(type_choices=type_choices())
    if request.method == "GET" and request.args.get("type"):
        form.type.data = request.args["type"][:30]
    if form.validate_on_submit():
        req = services.file_request(acting_user(), talent, services.type_by_code(form.type.data),
                                    form.title.data, form.description.data, uploaded_files())
        db.session.commit()
        flash(f"已提交，编号 {req.number}。{req.unit.name}将在 {req.accept_due_on} 前受理", "success")
        return redirect(url_for(".detail", request_id=req.id))
    return render_template("services/my_new.html", form=form, types=services.types(),
                           **_card_context(talent))


@bp.get("/<int:request_id>")
@require(Permission.PORTAL)
def detail(request_id: int):
    req = load_visible(request_id)
    user = acting_user()
    return render_template(
        "services/my_detail.html", req=req, today=timeutil.today(),
        moves=services.moves_for(user, req), events=services.timeline(req, include_internal=False),
        files=services.attachments_of(req), event_text=services.event_text,
        benefit=services.related_benefit(req, req.card_tier), rating_form=RatingForm(),
        can_rate=req.status == "completed" and (req.rated_at is None or (
            req.completed_at is not None and req.rated_at < req.completed_at)))


@bp.post("/<int:request_id>/transition")
@require(Permission.PORTAL)
def transition(request_id: int):
    req = load_visible(request_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
        return redirect(url_for(".detail", request_id=req.id))
    event = services.transition(acting_user(), req, form.to.data, form.note.data or "", form.version.data,
                                files=uploaded_files())
    db.session.commit()
    flash(f"{MOVES[event.move].label}：已提交", "success")
    return redirect(url_for(".detail", request_id=req.id))


@bp.post("/<int:request_id>/rating")
@require(Permission.PORTAL)
def rating(request_id: int):
    req = load_visible(request_id)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(first_error(form), "danger")
    else:
        services.rate(acting_user(), req, form.score.data, form.comment.data or "")
        db.session.commit()
        flash("感谢您的评价", "success")
    return redirect(url_for(".detail", request_id=req.id))


@bp.get("/<int:request_id>/attachments/<int:attachment_id>")
@require(Permission.PORTAL)
def attachment(request_id: int, attachment_id: int):
    return send_attachment(load_visible(request_id), attachment_id)
