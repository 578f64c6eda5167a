"""Card pages, card API, rules and benefits editing, with bad input."""
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from talent.auth.models import User
from talent.cards import operations as cards
from talent.cards.models import Card, CardRuleSet, TierBenefit
from talent.core import timeutil
from talent.extensions import db
from tests.factories import TalentFactory


def test_org_issues_through_the_page(client, auth):
    auth.login_as("org")
    talent = TalentFactory(name="唐志刚", title_level="senior")
    db.session.commit()
    page = client.get(f"/cards/talents/{talent.id}").get_data(as_text=True)
    assert "B类（领军人才）" in page and "发放" in page
    response = client.post(f"/cards/talents/{talent.id}/issue")
    assert response.status_code == 302
    card = db.session.scalar(select(Card))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert card.number in detail and "住房保障" in detail


def test_page_refuses_an_ineligible_talent(client, auth):
    auth.login_as("org")
    talent = TalentFactory(education="bachelor", title_level="none", category="none")
    db.session.commit()
    page = client.get(f"/cards/talents/{talent.id}").get_data(as_text=True)
    assert "不符合条件，不能发卡" in page
    refused = client.post(f"/cards/talents/{talent.id}/issue", follow_redirects=True)
    assert "不能发卡" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Card)) is None


def test_revoke_without_reason_is_refused(client, auth):
    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(education="master"))
    db.session.commit()
    refused = client.post(f"/cards/{card.id}/revoke", data={"reason": ""}, follow_redirects=True)
    assert "注销必须填写原因" in refused.get_data(as_text=True)
    assert card.status == "active"
    client.post(f"/cards/{card.id}/revoke", data={"reason": "本人申请"})
    db.session.refresh(card)
    assert card.status == "revoked"


def test_renew_and_reissue_through_pages(client, auth):
    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(education="master"))
    db.session.commit()
    assert "已续期" in client.post(f"/cards/{card.id}/renew", follow_redirects=True).get_data(as_text=True)
    response = client.post(f"/cards/{card.id}/reissue", follow_redirects=True)
    assert "原卡二维码已失效" in response.get_data(as_text=True)
    assert client.post(f"/cards/{card.id}/reissue", follow_redirects=True).status_code == 200
    assert db.session.scalar(select(db.func.count(Card.id))) == 2


def test_print_pages_and_png_download(client, auth):
    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(name="何建平", education="master"))
    db.session.commit()
    a4 = client.get(f"/cards/{card.id}/print").get_data(as_text=True)
    assert card.number in a4 and "何建平" in a4 and "print-a4" in a4 and "持卡待遇" in a4
    assert "print-cr80" in client.get(f"/cards/{card.id}/print?size=cr80").get_data(as_text=True)
    download = client.get(f"/cards/{card.id}/qr.png?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_card_list_filters(client, auth, freeze_today):
    user = auth.login_as("org")
    freeze_today(date(2026, 11, 26))
    live = cards.issue_card(user, TalentFactory(name="李明", education="master"))
    old = cards.issue_card(user, TalentFactory(name="王芳", education="master"), on=date(2023, 2, 1))
    db.session.commit()
    expired = client.get("/cards?status=expired").get_data(as_text=True)
    assert old.number in expired and live.number not in expired
    assert live.number in client.get("/cards?q=李明").get_data(as_text=True)
    assert "没有符合条件的卡片" in client.get("/cards?q=无此人").get_data(as_text=True)
    assert client.get("/cards?status=bogus&tier=Z&page=-1").status_code == 200


def test_recommended_page_and_export(client, auth):
    auth.login_as("unit")
    assert client.get("/cards/recommended").status_code == 403
    client.post("/logout")
    auth.login_as("org")
    TalentFactory(name="蒋丽华", education="doctorate")
    TalentFactory(name="普通人", education="bachelor", title_level="none", category="none")
    db.session.commit()
    page = client.get("/cards/recommended").get_data(as_text=True)
    assert "蒋丽华" in page and "普通人" not in page
    sheet = load_workbook(BytesIO(client.get("/cards/recommended.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("人才编号", "姓名")
    assert [r[1] for r in rows[1:]] == ["蒋丽华"]
    assert rows[1][9] == "B类（领军人才）" and rows[1][10] == "学历：博士研究生"
    assert "学历：博士研究生" in page  # the person's own value, not the rule restated


def test_admin_creates_a_rule_version_through_the_form(client, auth):
    auth.login_as("admin")
    form = client.get("/cards/rules/new").get_data(as_text=True)
    assert "A类" in form
    start = timeutil.today() + timedelta(days=30)
    data = {"effective_on": start.isoformat(), "note": "提高C类门槛", "require_active": "y",
            "require_in_county": "y", "A_name": "A类", "A_programme_levels": ["academician", "national"],
            "A_combo_title": "senior", "A_combo_education": "doctorate", "B_name": "B类",
            "B_educations": ["doctorate"], "C_name": "C类", "C_title_levels": ["vice_senior"]}
    response = client.post("/cards/rules/new", data=data)
    assert response.status_code == 302
    version = db.session.scalar(select(CardRuleSet).where(CardRuleSet.version == 2))
    assert version.effective_on == start
    c_tier = version.rules["tiers"][2]
    assert c_tier["title_levels"] == ["vice_senior"] and c_tier["educations"] == []
    assert version.rules["tiers"][0]["combined"] == [{"title_level": "senior", "education": "doctorate"}]
    listing = client.get("/cards/rules").get_data(as_text=True)
    assert "待生效" in listing and "第 2 版" in listing


def test_rule_form_bad_input(client, auth):
    auth.login_as("admin")
    past = client.post("/cards/rules/new", data={"effective_on": "2020-01-01", "A_name": "A",
                                                 "A_educations": ["doctorate"]})
    assert "不能早于今天" in past.get_data(as_text=True)
    bad_choice = client.post("/cards/rules/new", data={
        "effective_on": timeutil.today().isoformat(), "A_name": "A", "A_educations": ["phd"]})
    assert "包含无效的选项" in bad_choice.get_data(as_text=True)
    # A browser always sends every text field and select, even when left blank.
    blank_names = {f"{t}_{f}": "" for t in "ABC" for f in ("name", "combo_title", "combo_education")}
    nameless = client.post("/cards/rules/new", data={
        "effective_on": timeutil.today().isoformat(), "A_educations": ["doctorate"], **blank_names})
    assert "A类需要名称" in nameless.get_data(as_text=True)
    named_only = client.post("/cards/rules/new", data={
        "effective_on": timeutil.today().isoformat(), **blank_names, "B_name": "B类"})
    assert "B类至少需要一条条件" in named_only.get_data(as_text=True)
    nothing = client.post("/cards/rules/new", data={"effective_on": timeutil.today().isoformat(),
                                                    **blank_names})
    assert "至少需要一个类别" in nothing.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(CardRuleSet.id))) == 1


def test_benefits_are_editable(client, auth):
    auth.login_as("admin")
    response = client.post("/cards/benefits", data={"A_housing": "免租入住人才公寓150平方米"})
    assert response.status_code == 302
    benefit = db.session.scalar(select(TierBenefit).where(TierBenefit.tier == "A",
                                                          TierBenefit.kind == "housing"))
    assert benefit.text == "免租入住人才公寓150平方米"
    too_long = client.post("/cards/benefits", data={"A_housing": "长" * 2001})
    assert "不超过2000个字" in too_long.get_data(as_text=True)


def test_card_api(client, api_token):
    headers = api_token("org")
    eligible = TalentFactory(education="doctorate")
    plain = TalentFactory(education="bachelor", title_level="none", category="none")
    db.session.commit()
    created = client.post("/api/v1/cards", json={"talent_id": eligible.id}, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["tier"] == "B" and body["status"] == "active" and body["rule_version"] == 1
    again = client.post("/api/v1/cards", json={"talent_id": eligible.id}, headers=headers)
    assert again.status_code == 409
    refused = client.post("/api/v1/cards", json={"talent_id": plain.id}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_eligible"
    for bad in ({}, {"talent_id": "1"}, {"talent_id": True}, {"talent_id": 999999}):
        assert client.post("/api/v1/cards", json=bad, headers=headers).status_code == 422
    card_id = body["id"]
    assert client.get(f"/api/v1/cards/{card_id}", headers=headers).get_json()["number"] == body["number"]
    assert client.post(f"/api/v1/cards/{card_id}/revoke", json={}, headers=headers).status_code == 422
    assert client.post(f"/api/v1/cards/{card_id}/renew", headers=headers,
                       json={}).get_json()["status"] == "active"
    reissued = client.post(f"/api/v1/cards/{card_id}/reissue", json={}, headers=headers)
    assert reissued.status_code == 201
    new_id = reissued.get_json()["id"]
    revoked = client.post(f"/api/v1/cards/{new_id}/revoke", json={"reason": "离开双牌"}, headers=headers)
    assert revoked.get_json()["status"] == "revoked"
    assert client.get("/api/v1/cards/424242", headers=headers).status_code == 404


def test_eligibility_api_for_staff_and_for_the_talent_themself(client, api_token):
    staff = api_token("org")
    other = TalentFactory(title_level="vice_senior")
    db.session.commit()
    body = client.get(f"/api/v1/talents/{other.id}/eligibility", headers=staff).get_json()
    assert body["tier"] == "C" and body["eligible"] is True and body["rule_version"] == 1
    assert any(c["met"] for c in body["tiers"][2]["criteria"])
    own = api_token("talent")
    me = db.session.scalar(select(User).where(User.role == "talent"))
    assert client.get(f"/api/v1/talents/{me.talent_id}/eligibility", headers=own).status_code == 200
    assert client.get(f"/api/v1/talents/{other.id}/eligibility", headers=own).status_code == 403
    assert client.get(f"/api/v1/talents/{other.id}/eligibility",
                      headers=api_token("unit")).status_code == 403


def test_stale_list_previews_a_version_before_it_applies(client, auth):
    from talent.cards.rules import DEFAULT_RULES

    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(name="邓红梅", education="master"))
    without_c = {**DEFAULT_RULES, "tiers": DEFAULT_RULES["tiers"][:2]}
    cards.create_rule_version(user, without_c, timeutil.today() + timedelta(days=10), "取消C类")
    db.session.commit()
    assert card.number not in client.get("/cards/stale").get_data(as_text=True)
    preview = client.get("/cards/stale?version=2").get_data(as_text=True)
    assert card.number in preview and "届时将" in preview
    assert client.get("/cards/stale?version=99").status_code == 200
