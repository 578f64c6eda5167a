"""Pages: programmes and their calls, recommendations (list, form, outcome, export), 可升档."""
from contextlib import contextmanager
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import or_, select

from talent.core import audit, features
from talent.core.pagination import paginate
from talent.core.permissions import Permission, acting_user, require
from talent.core.replica import reads_replica
from talent.core.spreadsheet import XLSX_MIMETYPE, write_xlsx
from talent.core.timeutil import CHINA, today
from talent.extensions import db
from talent.programmes import operations, uploads
from talent.programmes.export import EXPORT_HEADERS, EXPORT_WIDTHS, export_rows
from talent.programmes.forms import CallForm, OutcomeForm, ProgrammeForm, RecommendationPageForm
from talent.programmes.models import (
    LEVEL_SHORT,
    LEVELS,
    OUTCOMES,
    SOURCES,
    Programme,
    ProgrammeCall,
    Recommendation,
)
from talent.programmes.operations import RecommendationQuery
from talent.registry.models import Talent

bp = Blueprint("programmes", __name__)

FIELD_LABELS = {"talent_id": "人才编号", "talent": "被推荐人", "programme": "推荐项目", "year": "申报年度",
                "source": "发掘渠道",
                "note": "推荐说明", "outcome": "结果", "decided_on": "公布日期", "document_no": "文号",
                "attachment_name": "申报材料", "attachment_type": "材料类型", "attachment_size": "材料大小",
                "name": "项目名称", "level": "级别", "organiser": "组织单位", "description": "说明",
                "active": "受理推荐", "deadline": "申报截止日期", "filters": "筛选条件", "rows": "行数"}


def _private(response):
    """Personal files never stay in a browser or proxy cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _load_programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


def _load_recommendation(recommendation_id: int) -> Recommendation:
    query = operations.visible_to(acting_user()).where(Recommendation.id == recommendation_id)
    return db.session.scalar(query) or abort(404)


# --- programmes ---------------------------------------------------------------------------------

@bp.get("/programmes")
@require(Permission.PROGRAMMES_MANAGE)
def programme_list():
    programmes = list(db.session.scalars(select(Programme).order_by(
        Programme.active.desc(), Programme.level, Programme.name)))
    return render_template("programmes/programme_list.html", programmes=programmes)


def _programme_form_page(programme: Programme | None):
    form = ProgrammeForm(obj=programme)
    if form.validate_on_submit():
        if programme is None:
            programme = operations.create_programme(acting_user(), form.values())
        else:
            operations.update_programme(acting_user(), programme, form.values())
        db.session.commit()
        flash(f"已保存人才项目“{programme.name}”", "success")
        return redirect(url_for(".programme_detail", programme_id=programme.id))
    return render_template("programmes/programme_form.html", form=form, programme=programme)


@bp.route("/programmes/new", methods=["GET", "POST"])
@require(Permission.PROGRAMMES_MANAGE)
def programme_new():
    return _programme_form_page(None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@require(Permission.PROGRAMMES_MANAGE)
def programme_edit(programme_id: int):
    return _programme_form_page(_load_programme(programme_id))


@bp.get("/programmes/<int:programme_id>")
@require(Permission.PROGRAMMES_MANAGE)
def programme_detail(programme_id: int):
    programme = _load_programme(programme_id)
    counts = dict(db.session.execute(
        select(ProgrammeCall.id, db.func.count(Recommendation.id))
        .outerjoin(Recommendation, Recommendation.call_id == ProgrammeCall.id)
        .where(ProgrammeCall.programme_id == programme.id).group_by(ProgrammeCall.id)).all())
    return render_template(
        "programmes/programme_detail.html", programme=programme, counts=counts,
        call_form=CallForm(formdata=None, year=today().year),
        history=audit.history("programmes", programme.id), action_labels=features.audit_actions(),
        field_labels=FIELD_LABELS)


@bp.post("/programmes/<int:programme_id>/calls")
@require(Permission.PROGRAMMES_MANAGE)
def call_save(programme_id: int):
    programme = _load_programme(programme_id)
    form = CallForm()
    if form.validate_on_submit():
        operations.save_call(acting_user(), programme, form.year.data, form.deadline.data,
                             form.note.data or "")
        db.session.commit()
        flash(f"已保存 {form.year.data} 年度申报安排", "success")
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for(".programme_detail", programme_id=programme.id))


# --- recommendations ----------------------------------------------------------------------------

def _list_context(query: RecommendationQuery) -> dict:
    return {"query": query, "levels": RecommendationQuery.LEVEL_FILTERS, "outcomes": OUTCOMES,
            "sources": SOURCES, "years": operations.years(), "level_short": LEVEL_SHORT,
            "programmes": list(db.session.scalars(select(Programme).order_by(Programme.level,
                                                                             Programme.name)))}


@bp.get("/recommendations")
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_list():
    user = acting_user()
    query = RecommendationQuery.from_args(request.args)
    page = paginate(query.select(user), request.args, count_query=query.count(user))
    return render_template("programmes/recommendation_list.html", page=page,
                           counts=operations.outcome_counts(user, query), **_list_context(query))


@bp.get("/recommendations/export.xlsx")
@require(Permission.RECOMMENDATIONS_WRITE)
@reads_replica(exact=True)
def recommendation_export():
    user = acting_user()
    query = RecommendationQuery.from_args(request.args)
    recommendations = db.session.scalars(query.select(user).execution_options(yield_per=500))
    counted = _Counted(recommendations)
    output = write_xlsx("人才项目推荐申报", EXPORT_HEADERS, export_rows(counted), EXPORT_WIDTHS)
    # Audited after the rows are written: committing first would expire every loaded row.
    operations.audit_export(user, query, counted.count)
    db.session.commit()
    stamp = datetime.now(CHINA).strftime("%Y%m%d-%H%M")
    year = f"{query.year}年度" if query.year else ""
    return _private(send_file(output, mimetype=XLSX_MIMETYPE, as_attachment=True,
                              download_name=f"双牌县人才项目推荐申报情况{year}-{stamp}.xlsx"))


class _Counted:
    """An iterable that remembers how many items went through it."""

    def __init__(self, items):
        self.items, self.count = items, 0

    def __iter__(self):
        for item in self.items:
            self.count += 1
            yield item


def _talent_matches(q: str) -> list[Talent]:
    """Active talents by name, employer or number, for picking whom to recommend."""
    if not q:
        return []
    conditions = [Talent.name.contains(q, autoescape=True), Talent.employer.contains(q, autoescape=True)]
    if q.isdigit() and int(q) < 2**31:
        conditions.append(Talent.id == int(q))
    return list(db.session.scalars(select(Talent).where(Talent.status == "active", or_(*conditions))
                                   .order_by(Talent.name).limit(20)))


def _store_upload(form: RecommendationPageForm) -> uploads.StoredFile | None:
    upload = form.attachment.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return uploads.store(upload)


@contextmanager
def _kept_only_if_saved(stored: uploads.StoredFile | None):
    """The uploaded file stays only when the change it belongs to is committed."""
    try:
        yield stored
    except BaseException:
        uploads.discard(stored)
        raise


def _flash_effect(effect: operations.OutcomeEffect, talent: Talent) -> None:
    if effect.level_raised:
        flash(f"{talent.name} 的入选人才计划已由“{LEVELS.get(effect.level_from, '无')}”"
              f"提升为“{LEVELS[effect.level_to]}”", "success")
    if effect.upgradeable:
        # Only say the person was told when a notification actually went to an account.
        told = "并通知本人" if effect.notified else "（本人尚无登录账户，未发送通知，请另行告知）"
        flash(f"{talent.name} 现持 {effect.card_tier}类卡 {effect.card_number}，已符合{effect.qualifies_for}"
              f"条件，已列入可升档名单{told}；是否升档请在VIP卡页面办理", "info")


@bp.route("/recommendations/new", methods=["GET", "POST"])
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_new():
    talent_id = request.args.get("talent_id", "")
    talent = db.session.get(Talent, int(talent_id)) if talent_id.isdigit() and int(talent_id) < 2**31 \
        else None
    form = RecommendationPageForm(programme_choices=operations.programme_choices(),
                                  data=None if request.method == "POST" else
                                  {"talent_id": talent.id if talent else None, "year": today().year})
    if form.validate_on_submit():
        with _kept_only_if_saved(_store_upload(form)) as stored:
            recommendation, effect = operations.recommend(acting_user(), form.values(), stored)
            db.session.commit()
        flash(f"已推荐 {recommendation.talent.name} 申报{recommendation.programme.name}"
              f"（{recommendation.year}年度）", "success")
        deadline = recommendation.call.deadline
        if deadline is not None and deadline < today():
            name = f"{recommendation.programme.name}{recommendation.year}年度"
            flash(f"注意：{name}的申报已于 {deadline} 截止，本条推荐晚于截止日期，请确认上级仍接收",
                  "warning")
        _flash_effect(effect, recommendation.talent)
        return redirect(url_for(".recommendation_detail", recommendation_id=recommendation.id))
    q = (request.args.get("q") or "").strip()[:50]
    chosen = talent or (db.session.get(Talent, form.talent_id.data)
                        if form.talent_id.data and 0 < form.talent_id.data < 2**31 else None)
    return render_template("programmes/recommendation_form.html", form=form, recommendation=None,
                           talent=chosen, q=q, matches=_talent_matches(q))


@bp.get("/recommendations/upgrades")
@require(Permission.RECOMMENDATIONS_WRITE)
def upgrades():
    return render_template("programmes/upgrades.html", upgrades=operations.upgradeable(),
                           level_short=LEVEL_SHORT)


@bp.get("/recommendations/<int:recommendation_id>")
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_detail(recommendation_id: int):
    recommendation = _load_recommendation(recommendation_id)
    outcome_form = OutcomeForm(formdata=None, obj=recommendation)
    return render_template(
        "programmes/recommendation_detail.html", recommendation=recommendation,
        outcome_form=outcome_form, upgrade=operations.card_upgrade(recommendation.talent),
        history=audit.history("recommendations", recommendation.id),
        action_labels=features.audit_actions(), field_labels=FIELD_LABELS)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_edit(recommendation_id: int):
    recommendation = _load_recommendation(recommendation_id)
    current = {"programme_id": recommendation.call.programme_id}
    form = RecommendationPageForm(
        obj=recommendation, data=current,
        programme_choices=operations.programme_choices(recommendation.call.programme_id))
    # The talent is never taken from the post: a recommendation stays with its talent.
    form.talent_id.data, form.talent_id.raw_data = recommendation.talent_id, [str(recommendation.talent_id)]
    if form.validate_on_submit():
        with _kept_only_if_saved(_store_upload(form)) as stored:
            _changes, effect = operations.update_recommendation(
                acting_user(), recommendation, form.values(), form.version_value(), stored)
            db.session.commit()
        flash("推荐记录已保存", "success")
        _flash_effect(effect, recommendation.talent)
        return redirect(url_for(".recommendation_detail", recommendation_id=recommendation.id))
    return render_template("programmes/recommendation_form.html", form=form,
                           recommendation=recommendation, talent=recommendation.talent, q="", matches=[])


@bp.post("/recommendations/<int:recommendation_id>/outcome")
@require(Permission.RECOMMENDATIONS_WRITE)
def recommendation_outcome(recommendation_id: int):
    recommendation = _load_recommendation(recommendation_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        _changes, effect = operations.record_outcome(acting_user(), recommendation, form.outcome_values(),
                                                     form.version_value())
        db.session.commit()
        flash(f"已记录结果：{recommendation.outcome_label}", "success")
        _flash_effect(effect, recommendation.talent)
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for(".recommendation_detail", recommendation_id=recommendation.id))


@bp.get("/recommendations/<int:recommendation_id>/attachment")
@require(Permission.RECOMMENDATIONS_READ)
def recommendation_attachment(recommendation_id: int):
    recommendation = _load_recommendation(recommendation_id)
    path = uploads.path_for(recommendation.attachment_key or "")
    if path is None:
        abort(404)
    return _private(send_file(path, mimetype=recommendation.attachment_type, as_attachment=True,
                              download_name=recommendation.attachment_name or path.name))
