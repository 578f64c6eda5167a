"""The commissioner's own pages, made for a phone in a village: my assignments, log a service,
my logs, my year."""
import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from talent.commissioners import operations, photos
from talent.commissioners.forms import ServiceLogForm
from talent.commissioners.models import Assignment, Commissioner, ServiceLog
from talent.commissioners.views import attempt
from talent.core import timeutil
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.extensions import db

bp = Blueprint("field", __name__, url_prefix="/field")


def _me() -> Commissioner | None:
    commissioner_id = operations.own_commissioner_id(acting_user())
    return db.session.get(Commissioner, commissioner_id) if commissioner_id else None


@bp.get("")
@require(Permission.COMMISSIONER_SELF)
def home():
    me = _me()
    assignments = []
    if me is not None:
        assignments = list(db.session.scalars(
            select(Assignment).where(Assignment.commissioner_id == me.id)
            .options(selectinload(Assignment.target)).order_by(Assignment.status,
                                                               Assignment.starts_on.desc())))
    return render_template("commissioners/field/home.html", me=me, assignments=assignments,
                           summary=operations.my_summary(me.id) if me else None)


def _log_form_page(log: ServiceLog | None):
    user = acting_user()
    form = ServiceLogForm(obj=log, assignment_choices=operations.assignment_choices(
        user, log.assignment_id if log else None))
    if request.method == "GET":
        if log is None:
            form.client_key.data = uuid.uuid4().hex
            form.assignment_id.data = request.args.get("assignment_id", type=int) or (
                form.assignment_id.choices[1].value if len(form.assignment_id.choices) == 2
                else None)
        else:
            form.version.data = log.version
    if form.validate_on_submit():
        uploads = request.files.getlist("photos")
        if log is None:
            assignment = operations.load_visible(user, Assignment, form.assignment_id.data) \
                or abort(404)

            def create():
                created_log, created = operations.create_log(user, assignment, form.values(),
                                                             form.client_key.data)
                if created:
                    photos.add_photos(user, created_log, uploads)
                return created_log

            saved = attempt(form, create)
        else:
            def update():
                operations.update_log(user, log, form.values(), form.version.data)
                photos.add_photos(user, log, uploads)
                return log

            saved = attempt(form, update)
        if saved is not None:
            done = "已记录 " if log is None else "已保存修改："
            flash(f"{done}{saved.served_on} 在{saved.target.name}的服务", "success")
            return redirect(url_for(".my_logs"))
    return render_template("commissioners/field/log_form.html", form=form, log=log,
                           max_photos=photos.MAX_PHOTOS, me=_me())


@bp.route("/log", methods=["GET", "POST"])
@require(Permission.COMMISSIONER_SELF)
def log_new():
    return _log_form_page(None)


@bp.route("/logs/<int:log_id>/edit", methods=["GET", "POST"])
@require(Permission.COMMISSIONER_SELF)
def log_edit(log_id: int):
    log = operations.load_visible(acting_user(), ServiceLog, log_id) or abort(404)
    if log.confirmed:
        if request.method == "POST":
            flash("该服务日志已确认，不能再修改", "warning")
        return render_template("commissioners/field/log_view.html", log=log)
    return _log_form_page(log)


@bp.get("/logs")
@require(Permission.COMMISSIONER_SELF)
def my_logs():
    user = acting_user()
    query = (operations.visible_to(user, ServiceLog)
             .options(selectinload(ServiceLog.target), selectinload(ServiceLog.photos))
             .order_by(ServiceLog.served_on.desc(), ServiceLog.id.desc()))
    page = paginate(query, request.args)
    return render_template("commissioners/field/logs.html", page=page, me=_me())


@bp.get("/year")
@require(Permission.COMMISSIONER_SELF)
def my_year():
    me = _me()
    year = request.args.get("year", type=int) or timeutil.today().year
    if not 2000 <= year <= 2100:
        year = timeutil.today().year
    figures = operations.year_figures(year, [me.id]).get(me.id, operations.YearFigures()) \
        if me else operations.YearFigures()
    return render_template("commissioners/field/year.html", me=me, year=year, figures=figures)


@bp.get("/sw.js")
@require(Permission.COMMISSIONER_SELF)
def service_worker():
    """Served under /field/ so its scope is the field pages; cached assets are listed here."""
    static = [url_for("static", filename=name) for name in (
        "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "css/app.css", "vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js",
        "js/field-offline.js", "favicon.svg", "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2")]
    body = render_template("commissioners/field/sw.js", cache_name="field-v1",
                           precache=[url_for(".log_new"), url_for(".my_logs"), *static],
                           fallback=url_for(".log_new"),
                           static_prefix=url_for("static", filename=""))
    response = make_response(body)
    response.mimetype = "text/javascript"
    return response
