"""One refusal type, answered once by the app (issue 6): the features' errors are ``Refused``
with the right status, a flash and a redirect back on pages, the error JSON in the API."""
from talent.auth.operations import AccountError
from talent.cards import operations as cards
from talent.core.errors import Refused, StaleEdit
from talent.extensions import db
from talent.registry.models import Talent
from talent.registry.operations import DuplicateIdNumber
from tests.factories import TalentFactory


def test_feature_errors_are_refusals_with_their_status():
    assert issubclass(cards.CardError, Refused) and cards.CardError("x").status == 409
    assert issubclass(cards.NotEligible, cards.CardError) and cards.NotEligible.status == 422
    assert issubclass(AccountError, Refused) and AccountError("x").status == 422
    duplicate = DuplicateIdNumber(Talent(id=7, id_number="431123198503150017"))
    assert isinstance(duplicate, Refused) and duplicate.status == 409
    assert duplicate.fields == {"id_number": [duplicate.message]} and "人才编号 7" in duplicate.message
    assert StaleEdit(3).status == 409 and StaleEdit.code == "stale"


def test_a_refused_page_action_flashes_and_goes_back(client, auth):
    user = auth.login_as("org")
    card = cards.issue_card(user, TalentFactory(education="doctorate"))
    cards.revoke_card(user, card, "离开双牌")
    db.session.commit()
    back = f"http://localhost/cards/{card.id}"
    response = client.post(f"/cards/{card.id}/renew", headers={"Referer": back})
    assert response.status_code == 302 and response.location == back
    assert "不能办理此业务" in client.get(back).get_data(as_text=True)


def test_a_refused_api_action_is_error_json(client, api_token, make_user):
    headers = api_token("org")
    card = cards.issue_card(make_user("org"), TalentFactory(education="doctorate"))
    db.session.commit()
    again = client.post("/api/v1/cards", json={"talent_id": card.talent_id}, headers=headers)
    assert again.status_code == 409 and "已持有有效卡" in again.get_json()["error"]["message"]
    poor = TalentFactory(education="bachelor", title_level="none", category="none")
    db.session.commit()
    refused = client.post("/api/v1/cards", json={"talent_id": poor.id}, headers=headers)
    body = refused.get_json()["error"]
    assert refused.status_code == 422 and body["code"] == "not_eligible" and body["fields"]["talent_id"]


def test_a_refused_account_change_on_a_button(client, auth):
    admin = auth.login_as("admin")
    back = "http://localhost/admin/users"
    response = client.post(f"/admin/users/{admin.id}/active", headers={"Referer": back})
    assert response.status_code == 302 and response.location == back
    assert "不能停用自己的账户" in client.get(back).get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active
