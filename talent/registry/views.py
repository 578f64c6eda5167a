"""Pages of the 科技人才信息库: list, detail with history, forms, import and export."""
import secrets
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from talent.core import audit, features, timeutil
from talent.core.errors import StaleEdit
from talent.core.forms import EmptyForm, differences, form_labels
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE, SpreadsheetError, read_xlsx
from talent.extensions import db
from talent.jobs import operations as jobs
from talent.jobs.views import export_now_or_later
from talent.registry import choices, operations, spreadsheet
from talent.registry import jobs as talent_jobs
from talent.registry.forms import CorrectionReplyForm, TalentForm, TeamForm
from talent.registry.models import CorrectionRequest, Talent, Team
from talent.registry.operations import DuplicateIdNumber, TalentQuery, id_number_search

bp = Blueprint("registry", __name__)

# Chinese names of the fields, for the change history.
FIELD_LABELS = {**spreadsheet.FIELD_HEADERS, "left_on": "离开日期", "team_id": "所属团队"}
TEAM_FIELD_LABELS = form_labels(TeamForm)


def _load_talent(talent_id: int) -> Talent:
    return db.get_or_404(Talent, talent_id)


def _load_team(team_id: int) -> Team:
    return db.get_or_404(Team, team_id)


def _reveal_ids() -> bool:
    return acting_user().can(Permission.ID_NUMBERS_FULL)


def _stamp() -> str:
    return timeutil.file_stamp()


@bp.get("/talents")
@require(Permission.TALENTS_READ)
def talent_list():
    args = request.args
    if "status" not in args and not (_reveal_ids() and id_number_search(args.get("q") or "") == "resident"):
        # The page opens on the people working in the county; 状态：全部 (status=all) shows everyone.
        # A search by a whole ID number looks for that one person, whether they have left or not.
        args = MultiDict(args)
        args["status"] = "active"
    reveal = _reveal_ids()
    query = TalentQuery.from_args(args, by_id_number=reveal)
    page = paginate(query.select(), request.args, count_query=query.count(),
                    capped_query=query.counted())
    return render_template(
        "registry/talent_list.html", page=page, query=query, choices=choices,
        reveal=reveal, teams=operations.team_choices(),
    )


@bp.get("/talents/<int:talent_id>")
@require(Permission.TALENTS_READ)
def talent_detail(talent_id: int):
    talent = _load_talent(talent_id)
    return render_template(
        "registry/talent_detail.html", talent=talent, reveal=_reveal_ids(),
        history=audit.history("talents", talent.id), action_labels=features.audit_actions(),
        field_labels=FIELD_LABELS,
    )


def _save_talent(form: TalentForm, talent: Talent | None):
    """Create or update from a validated form; a duplicate ID becomes a field error, a stale
    form the list of what differs (returned second), the input kept either way."""
    try:
        if talent is None:
            talent = operations.create_talent(acting_user(), form.talent_values())
        else:
            operations.update_talent(acting_user(), talent, form.talent_values(),
                                     version=form.version.data)
    except DuplicateIdNumber as error:
        form.id_number.errors.append(error.message)
        return None, None
    except StaleEdit:
        stale = differences(form, talent, form.talent_values())
        form.version.data = talent.version  # saving again means "over what is there now"
        return None, stale
    db.session.commit()
    return talent, None


@bp.route("/talents/new", methods=["GET", "POST"])
@require(Permission.TALENTS_WRITE)
def talent_new():
    form = TalentForm(team_choices=operations.team_choices())
    if form.validate_on_submit():
        talent, _stale = _save_talent(form, None)
        if talent is not None:
            flash(f"已登记人才 {talent.name}", "success")
            return redirect(url_for(".talent_detail", talent_id=talent.id))
    return render_template("registry/talent_form.html", form=form, talent=None)


@bp.route("/talents/<int:talent_id>/edit", methods=["GET", "POST"])
@require(Permission.TALENTS_WRITE)
def talent_edit(talent_id: int):
    talent = _load_talent(talent_id)
    form = TalentForm(obj=talent, team_choices=operations.team_choices())
    stale = None
    if form.validate_on_submit():
        saved, stale = _save_talent(form, talent)
        if saved is not None:
            flash("人才信息已保存", "success")
            return redirect(url_for(".talent_detail", talent_id=talent.id))
    return render_template("registry/talent_form.html", form=form, talent=talent, stale=stale)


@bp.post("/talents/<int:talent_id>/leave")
@require(Permission.TALENTS_WRITE)
def talent_leave(talent_id: int):
    talent = _load_talent(talent_id)
    if EmptyForm().validate_on_submit():
        operations.mark_left(acting_user(), talent)
        db.session.commit()
        flash(f"已将 {talent.name} 标记为已离开，档案保留", "success")
    return redirect(url_for(".talent_detail", talent_id=talent.id))


@bp.get("/talents/export.xlsx")
@require(Permission.TALENTS_EXPORT)
@reads_replica(exact=True)
def talent_export():
    reveal = _reveal_ids()
    query = TalentQuery.from_args(request.args, by_id_number=reveal)
    total = db.session.scalar(query.count()) or 0
    user = acting_user()
    return export_now_or_later(user, talent_jobs.KIND, {"args": query.args(), "reveal": reveal}, total,
                               lambda: talent_jobs.write(user, query, reveal))


@bp.get("/talents/import/template.xlsx")
@require(Permission.TALENTS_WRITE)
def talent_import_template():
    output = BytesIO()
    spreadsheet.template_workbook().save(output)
    output.seek(0)
    return send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="科技人才信息导入模板.xlsx")


@bp.route("/talents/import", methods=["GET", "POST"])
@require(Permission.TALENTS_WRITE)
def talent_import():
    form = EmptyForm()
    report, problem = None, None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problem = "请选择要导入的 .xlsx 文件"
        elif not upload.filename.lower().endswith(".xlsx"):
            problem = "只支持 .xlsx 格式（Excel 2007 及以上），请用导入模板填写"
        else:
            content = upload.stream.read()
            try:
                sheet = read_xlsx(BytesIO(content), spreadsheet.REQUIRED_HEADERS)
            except SpreadsheetError as error:
                problem = str(error)
            else:
                if len(sheet.rows) > jobs.import_sync_limit():  # long work leaves the request
                    return redirect(url_for("jobs.detail", job_id=_import_in_background(
                        content, upload.filename, len(sheet.rows))))
                report = spreadsheet.import_talents(acting_user(), sheet)
                if report.ok:
                    db.session.commit()
                    flash(f"导入成功：共 {len(report.created)} 名人才", "success")
                    return redirect(url_for(".talent_list"))
                db.session.rollback()
    return render_template("registry/talent_import.html", form=form, report=report,
                           problem=problem)


def _import_in_background(content: bytes, filename: str, rows: int) -> int:
    stored = f"{secrets.token_hex(16)}.xlsx"
    talent_jobs.import_path(stored).write_bytes(content)
    job = jobs.submit(acting_user(), talent_jobs.IMPORT_KIND, {"stored": stored, "filename": filename[:100]},
                      total=rows)
    db.session.commit()
    return job.id


@bp.get("/teams")
@require(Permission.TALENTS_READ)
def team_list():
    teams = list(db.session.scalars(select(Team).order_by(Team.introduced_on.desc(), Team.name)))
    return render_template("registry/team_list.html", teams=teams)


@bp.get("/teams/<int:team_id>")
@require(Permission.TALENTS_READ)
def team_detail(team_id: int):
    team = _load_team(team_id)
    return render_template("registry/team_detail.html", team=team, reveal=_reveal_ids(),
                           history=audit.history("teams", team.id),
                           action_labels=features.audit_actions(), field_labels=TEAM_FIELD_LABELS)


def _team_form_page(team: Team | None):
    form = TeamForm(obj=team, leader_choices=operations.leader_choices(team))
    stale = None
    if form.validate_on_submit():
        if operations.team_name_taken(form.name.data, team.id if team else None):
            form.name.errors.append("已有同名团队")
        else:
            try:
                if team is None:
                    team = operations.create_team(acting_user(), form.team_values())
                else:
                    operations.update_team(acting_user(), team, form.team_values(),
                                           version=form.version.data)
            except StaleEdit:
                stale = differences(form, team, form.team_values())
                form.version.data = team.version
            else:
                db.session.commit()
                flash("团队信息已保存", "success")
                return redirect(url_for(".team_detail", team_id=team.id))
    return render_template("registry/team_form.html", form=form, team=team, stale=stale)


@bp.route("/teams/new", methods=["GET", "POST"])
@require(Permission.TALENTS_WRITE)
def team_new():
    return _team_form_page(None)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@require(Permission.TALENTS_WRITE)
def team_edit(team_id: int):
    return _team_form_page(_load_team(team_id))


@bp.get("/talents/corrections")
@require(Permission.TALENTS_WRITE)
def correction_list():
    query = (select(CorrectionRequest)
             .order_by(CorrectionRequest.handled_at.is_not(None), CorrectionRequest.created_at.desc()))
    page = paginate(query, request.args)
    return render_template("registry/corrections.html", page=page)


@bp.post("/talents/corrections/<int:correction_id>/handled")
@require(Permission.TALENTS_WRITE)
def correction_handled(correction_id: int):
    correction = db.get_or_404(CorrectionRequest, correction_id)
    form = CorrectionReplyForm()
    if form.validate_on_submit():
        operations.handle_correction(acting_user(), correction, form.reply.data or "")
        db.session.commit()
        flash("已标记为已处理", "success")
    else:
        flash("；".join(form.reply.errors), "danger")
    return redirect(url_for(".correction_list"))
