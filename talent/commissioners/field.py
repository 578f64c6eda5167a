"""The commissioner's own pages, made for a phone in a village: my assignments, log a service,
my logs, my year."""
import uuid
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from talent.cards.qr import qr_png
from talent.commissioners import operations, photos
from talent.commissioners.forms import ServiceLogForm
from talent.commissioners.models import Assignment, Commissioner, LogPhoto, ServiceLog
from talent.commissioners.views import attempt
from talent.commissioners.views.logs import remove_photo_now
from talent.core import timeutil
from talent.core.forms import EmptyForm
from talent.core.headers import allow_offline_copy, offline_owner_key
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
    served = {a.target_id for a in assignments if a.status == "active"}
    needs = operations.needs_of_targets(served)
    elsewhere = operations.matched_elsewhere(me.id, served) if me is not None else []
    return _offline_page("commissioners/field/home.html", me=me, assignments=assignments,
                         needs=needs, elsewhere=elsewhere,
                         summary=operations.my_summary(me.id) if me else None)


def _offline_page(template: str, **context):
    """A field page the commissioner's own phone may keep for use with no signal; it shows
    when it was made, so a copy read offline says how old it is."""
    made_at = timeutil.local_now()
    return allow_offline_copy(make_response(render_template(template, made_at=made_at, **context)))


def _log_form_page(log: ServiceLog | None):
    user = acting_user()
    # field-offline.js posts the form itself (with a time limit, queueing what does not arrive) and
    # reads a short JSON answer: "now" while the commissioner waits, "queued" for a later upload.
    saving_from_script = request.headers.get("X-Field-Save") in ("now", "queued")
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
        photo_meta = photos.read_meta(request.form.get("photo_meta", ""), len(uploads))
        if log is None:
            assignment = operations.load_visible(user, Assignment, form.assignment_id.data) \
                or abort(404)

            def create():
                created_log, created = operations.create_log(user, assignment, form.values(),
                                                             form.client_key.data)
                if created:
                    photos.add_photos(user, created_log, uploads, photo_meta)
                return created_log

            saved = attempt(form, create)
        else:
            def update():
                operations.update_log(user, log, form.values(), form.version.data)
                photos.add_photos(user, log, uploads, photo_meta)
                return log

            saved = attempt(form, update)
        if saved is not None:
            done = "已记录 " if log is None else "已保存修改："
            message = f"{done}{saved.served_on} 在{saved.target.name}的服务"
            if saving_from_script:
                return _saved_answer(saved, message, request.headers["X-Field-Save"])
            flash(message, "success")
            return redirect(url_for(".my_logs"))
    if saving_from_script and request.method == "POST":
        return _refused_answer(form)
    page = "commissioners/field/log_form.html"
    context = {"form": form, "log": log, "max_photos": photos.MAX_PHOTOS, "me": _me(),
               "needs": operations.need_choices(user),
               "rating": rating_link(log) if log is not None else None}
    if log is None and request.method == "GET" and not request.args:
        return _offline_page(page, **context)
    return render_template(page, **context)


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
        return render_template("commissioners/field/log_view.html", log=log,
                               rating=rating_link(log))
    return _log_form_page(log)


@bp.post("/photos/<int:photo_id>/delete")
@require(Permission.COMMISSIONER_SELF)
def photo_delete(photo_id: int):
    """The commissioner takes a photo off their own log before it is confirmed."""
    photo = operations.load_visible(acting_user(), LogPhoto, photo_id) or abort(404)
    log_id = photo.log_id
    if EmptyForm().validate_on_submit():
        remove_photo_now(photo)
    return redirect(url_for(".log_edit", log_id=log_id))


@bp.get("/logs/<int:log_id>/rating-qr.png")
@require(Permission.COMMISSIONER_SELF)
def rating_qr(log_id: int):
    """The QR code the commissioner shows the served target: a fresh 7-day rating link."""
    log = operations.load_visible(acting_user(), ServiceLog, log_id) or abort(404)
    if log.rating is not None:
        abort(404)
    link = url_for("rating.rate", rating_token=operations.make_token(log), _external=True)
    return send_file(BytesIO(qr_png(link, box_size=6)), mimetype="image/png", max_age=0)


def rating_link(log: ServiceLog) -> dict | None:
    """What the log's page shows for the target's rating: the link (and until when) if unrated."""
    if log.rating is not None:
        return None
    token = operations.make_token(log)
    return {"url": url_for("rating.rate", rating_token=token, _external=True),
            "expires": timeutil.to_local(operations.link_expires(token))}


@bp.get("/logs")
@require(Permission.COMMISSIONER_SELF)
def my_logs():
    user = acting_user()
    query = (operations.visible_to(user, ServiceLog)
             .options(selectinload(ServiceLog.target), selectinload(ServiceLog.photos))
             .order_by(ServiceLog.served_on.desc(), ServiceLog.id.desc()))
    page = paginate(query, request.args)
    if page.page == 1 and not request.args:
        return _offline_page("commissioners/field/logs.html", page=page, me=_me())
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
    if request.args:
        return render_template("commissioners/field/year.html", me=me, year=year, figures=figures)
    return _offline_page("commissioners/field/year.html", me=me, year=year, figures=figures)


def _saved_answer(log: ServiceLog, message: str, how: str):
    if how == "now":
        flash(message, "success")  # shown by the page the script opens next
    return jsonify({"ok": True, "id": log.id, "message": message, "next": url_for(".my_logs")})


def _refused_answer(form):
    """Why the server did not take a posted log, in words the queue can show."""
    fields = {name: list(messages) for name, messages in form.errors.items() if messages}
    labels = [f"{form[name].label.text}：{'；'.join(messages)}" if name in form else "；".join(messages)
              for name, messages in fields.items()]
    message = "；".join([*form.form_errors, *labels]) or "未通过校验，请检查后重新填写"
    return jsonify({"error": {"code": "validation", "message": message, "fields": fields}}), 422


OFFLINE_PAGES = ("field.home", "field.log_new", "field.my_logs", "field.my_year")


@bp.get("/sw.js")
@require(Permission.COMMISSIONER_SELF)
def service_worker():
    """Served under /field/ and allowed the whole site as its scope, so the landing page after
    sign-in opens offline too; it keeps only the shell and the field pages (see the script)."""
    shell = [url_for("static", filename=name) for name in (
        "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "css/app.css", "vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js",
        "js/field-offline.js", "favicon.svg", "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2")]
    body = render_template("commissioners/field/sw.js", shell_cache="field-shell-v3",
                           shell_files=shell, pages=[url_for(e) for e in OFFLINE_PAGES],
                           home=url_for(".home"), static_prefix=url_for("static", filename=""),
                           navigation_timeout_ms=NAVIGATION_TIMEOUT_MS)
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


# How long a page load or a save waits on a weak signal before the phone falls back to its
# copy (pages) or to the queue (saves; FIELD_SAVE_TIMEOUT_MS in the config).
NAVIGATION_TIMEOUT_MS = 4000
SAVE_TIMEOUT_MS = 6000


def offline_owner() -> str:
    user = acting_user()
    return offline_owner_key(user) if user is not None else ""


def save_timeout_ms() -> int:
    return int(current_app.config.get("FIELD_SAVE_TIMEOUT_MS", SAVE_TIMEOUT_MS))
