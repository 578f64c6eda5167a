"""The pages: the talent applies with material, the employer confirms, 组织部 approves."""
import io
import re

from talent.applications.models import CardApplication
from talent.cards import operations as cards
from talent.extensions import db


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_apply_confirm_approve_through_the_pages(csrf_client, world):
    client = csrf_client
    _sign_in(client, world.talent_user)
    page = client.get("/me/card-application")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "C类（骨干人才）" in text and world.employer.name in text
    response = client.post("/me/card-application", data={
        "csrf_token": _csrf(text), "employer_id": str(world.employer.id), "note": "请审核",
        "files": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "学位证书.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    application = db.session.scalar(db.select(CardApplication))
    assert application.status == "submitted" and application.files[0].filename == "学位证书.pdf"
    download = client.get(f"/card-applications/{application.id}/files/{application.files[0].id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Cache-Control"] == "no-store"

    _sign_in(client, world.other_hr)
    assert client.get(f"/card-applications/{application.id}").status_code == 404

    _sign_in(client, world.hr)
    detail = client.get(f"/card-applications/{application.id}").get_data(as_text=True)
    assert "确认为本单位人员" in detail and "批准发卡" not in detail
    client.post(f"/card-applications/{application.id}/transition", data={
        "csrf_token": _csrf(detail), "to": "confirmed", "note": "", "version": str(application.version)})
    db.session.refresh(application)
    assert application.status == "confirmed"

    _sign_in(client, world.org)
    detail = client.get(f"/card-applications/{application.id}").get_data(as_text=True)
    assert "批准发卡" in detail
    client.post(f"/card-applications/{application.id}/transition", data={
        "csrf_token": _csrf(detail), "to": "approved", "note": "", "version": str(application.version)})
    db.session.refresh(application)
    assert application.status == "approved" and application.card_id is not None
    figures = client.get("/card-applications/figures").get_data(as_text=True)
    assert "合计" in figures

    _sign_in(client, world.talent_user)
    home = client.get("/me").get_data(as_text=True)
    assert cards.active_card(world.talent).number in home


def test_a_form_without_csrf_is_refused(csrf_client, world):
    client = csrf_client
    _sign_in(client, world.talent_user)
    response = client.post("/me/card-application", data={"employer_id": str(world.employer.id)})
    assert response.status_code == 400
    assert db.session.scalar(db.select(CardApplication)) is None


def test_a_stale_page_says_so(csrf_client, world):
    client = csrf_client
    from talent.applications import operations

    application = operations.apply(world.talent_user, world.talent, world.employer)
    db.session.commit()
    _sign_in(client, world.hr)
    detail = client.get(f"/card-applications/{application.id}").get_data(as_text=True)
    operations.transition(world.talent_user, application, "withdrawn", "", application.version)
    db.session.commit()
    response = client.post(f"/card-applications/{application.id}/transition", data={
        "csrf_token": _csrf(detail), "to": "confirmed", "note": "", "version": "1"}, follow_redirects=True)
    assert "已被他人修改" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == "withdrawn"
