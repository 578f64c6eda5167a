"""The talent's own pages: card, QR, benefits, eligibility in the second person, corrections."""
from sqlalchemy import select

from talent.cards import operations as cards
from talent.extensions import db
from talent.registry.models import CorrectionRequest, Talent


def test_portal_shows_card_qr_and_benefits(client, auth):
    user = auth.login_as("talent")
    talent = db.session.get(Talent, user.talent_id)
    talent.education = "doctorate"
    card = cards.issue_card(None, talent)
    db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert card.number in page and "住房保障" in page and "/me/qr.png" in page
    assert talent.id_number not in page  # even their own number is masked on screen
    assert client.get("/me/qr.png").mimetype == "image/png"
    assert client.get("/").headers["Location"].endswith("/me")


def test_portal_explains_eligibility_without_a_card(client, auth):
    user = auth.login_as("talent")
    talent = db.session.get(Talent, user.talent_id)
    talent.education, talent.title_level, talent.category = "bachelor", "none", "none"
    db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert "您暂不符合任一类别的发卡条件" in page
    assert "学历为博士研究生" in page and "您的学历：大学本科" in page
    assert client.get("/me/qr.png").status_code == 404


def test_correction_request_round_trip(client, auth, make_user):
    user = auth.login_as("talent")
    assert "请写明需要更正的内容" in client.post("/me/corrections", data={"text": ""},
                                                follow_redirects=True).get_data(as_text=True)
    client.post("/me/corrections", data={"text": "职称已评为正高级"})
    correction = db.session.scalar(select(CorrectionRequest))
    assert correction.talent_id == user.talent_id
    client.post("/logout")
    auth.login_as("org")
    assert "职称已评为正高级" in client.get("/talents/corrections").get_data(as_text=True)
    too_long = client.post(f"/talents/corrections/{correction.id}/handled", data={"reply": "长" * 501},
                           follow_redirects=True)
    assert "答复不超过500个字" in too_long.get_data(as_text=True)
    db.session.refresh(correction)
    assert correction.handled_at is None
    client.post(f"/talents/corrections/{correction.id}/handled", data={"reply": "已更新"})
    db.session.refresh(correction)
    assert correction.handled_at is not None and correction.reply == "已更新"
