"""Pages: the talent applies in the portal; employers and 组织部 work through the queue."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from talent.applications import operations
from talent.applications.forms import ApplyForForm, ApplyForm, TransitionForm
from talent.applications.machine import STEP_TEXT
from talent.applications.models import STARTED_BY, STATUSES, CardApplication, CardApplicationFile
from talent.cards import operations as cards
from talent.core import timeutil, uploads
from talent.core.forms import MaterialForm
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.validators import bounded_int
from talent.employers import operations as employers
from talent.employers.models import Employer
from talent.extensions import db
from talent.registry.models import Talent

bp = Blueprint("applications", __name__)

FIELD_LABELS = {"talent_id": "人才", "employer_id": "用人单位", "status": "状态",
                "eligible_tier": "可申请档次", "started_by": "申请方式", "card_id": "发放的卡",
                "files": "材料"}


def _load(application_id: int) -> CardApplication:
    query = operations.visible_to(acting_user()).where(CardApplication.id == application_id)
    return db.session.scalar(query) or abort(404)


def _employer(employer_id) -> Employer:
    employer = db.session.get(Employer, employer_id or 0)
    if employer is None:
        raise operations.ApplicationError("请选择用人单位", fields={"employer_id": ["请选择用人单位"]})
    return employer


# --- the talent's own page ----------------------------------------------------------------------

@bp.route("/me/card-application", methods=["GET", "POST"])
@require(Permission.PORTAL)
def apply_page():
    user = acting_user()
    talent = db.session.get(Talent, user.talent_id or 0) or abort(404)
    current = employers.employer_of(talent.id)
    form = ApplyForm(employer_choices=employers.employer_choices(),
                     data={"employer_id": current.id if current else None})
    if form.validate_on_submit():
        application = operations.apply(user, talent, _employer(form.employer_id.data), form.note.data,
                                       request.files.getlist(form.files.name))
        db.session.commit()
        flash("申请已提交，等待用人单位确认", "success")
        return redirect(url_for(".detail", application_id=application.id))
    card = cards.active_card(talent)
    return render_template(
        "applications/apply.html", talent=talent, form=form, verdict=cards.eligibility(talent),
        card=card if card is not None and card.shown_status == "active" else None,
        open_application=operations.open_application(talent.id),
        applications=operations.applications_of(talent.id))


# --- queue, start for someone, figures ----------------------------------------------------------

@bp.get("/card-applications")
@require(Permission.CARD_APPLICATIONS_DESK)
def queue():
    status = request.args.get("status", "")
    query = operations.visible_to(acting_user())
    if status in STATUSES:
        query = query.where(CardApplication.status == status)
    page = paginate(query.order_by(CardApplication.id.desc()), request.args)
    return render_template("applications/queue.html", page=page, status=status, statuses=STATUSES)


def _apply_for_form(user) -> ApplyForForm:
    choices = employers.employer_choices()
    if user.role == "employer":
        choices = [(c, n) for c, n in choices if c == user.employer_id]
    return ApplyForForm(employer_choices=choices,
                        data={"employer_id": user.employer_id} if user.role == "employer" else None)


@bp.route("/card-applications/new", methods=["GET", "POST"])
@require(Permission.CARD_APPLICATIONS_DESK)
def new():
    user = acting_user()
    form = _apply_for_form(user)
    if form.validate_on_submit():
        talent = db.session.get(Talent, bounded_int(form.talent_id.data) or 0)
        if talent is None:
            form.talent_id.errors = ["没有这个人才编号"]
        else:
            application = operations.apply(user, talent, _employer(form.employer_id.data), form.note.data,
                                           request.files.getlist(form.files.name))
            db.session.commit()
            flash(f"已为 {talent.name} 提交VIP卡申请", "success")
            return redirect(url_for(".detail", application_id=application.id))
    staff = employers.staff_choices(user.employer_id) if user.role == "employer" else []
    return render_template("applications/new.html", form=form, staff=staff)


@bp.get("/card-applications/figures")
@require(Permission.CARD_APPLICATIONS_REVIEW)
def figures():
    year = bounded_int(request.args.get("year"), 2000, 2100) or timeutil.today().year
    return render_template("applications/figures.html", year=year, rows=operations.monthly_figures(year),
                           columns=operations.OUTCOME_COLUMNS)


# --- one application ------------------------------------------------------------------------------

@bp.get("/card-applications/<int:application_id>")
@require(Permission.CARD_APPLICATIONS)
def detail(application_id: int):
    application = _load(application_id)
    user = acting_user()
    return render_template(
        "applications/detail.html", application=application,
        moves=operations.available_moves(user, application),
        form=TransitionForm(data={"version": application.version}), material_form=MaterialForm(),
        verdict=cards.eligibility(application.talent), step_text=STEP_TEXT, started_by=STARTED_BY,
        may_add=application.is_open and bool(operations.roles_of(user, application)))


@bp.post("/card-applications/<int:application_id>/transition")
@require(Permission.CARD_APPLICATIONS)
def transition(application_id: int):
    application = _load(application_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash("；".join(m for messages in form.errors.values() for m in messages), "danger")
        return redirect(url_for(".detail", application_id=application_id))
    operations.transition(acting_user(), application, form.to.data, form.note.data or "", form.version.data)
    db.session.commit()
    flash(f"已办理：{application.status_label}", "success")
    return redirect(url_for(".detail", application_id=application_id))


@bp.post("/card-applications/<int:application_id>/files")
@require(Permission.CARD_APPLICATIONS)
def add_files(application_id: int):
    return uploads.add_from_form(_load(application_id), operations.add_material,
                                   url_for(".detail", application_id=application_id))


@bp.get("/card-applications/<int:application_id>/files/<int:file_id>")
@require(Permission.CARD_APPLICATIONS)
def file(application_id: int, file_id: int):
    application = _load(application_id)
    row = db.session.get(CardApplicationFile, file_id)
    if row is None or row.application_id != application.id:
        abort(404)
    return uploads.download(operations.MATERIAL_KIND, row.key, row.filename, row.content_type)
