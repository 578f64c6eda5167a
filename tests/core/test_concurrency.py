"""No lost updates (issue 7.3): a form or PATCH made from a stale copy is refused, shows what
the other person changed, and keeps the user's input; sign-ins do not make user forms stale."""
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select, text, update

from talent.cards import operations as cards
from talent.cards.models import CardRuleSet, TierBenefit
from talent.core import db as core_db
from talent.extensions import db
from talent.registry import operations as registry
from talent.registry.models import Talent, Team
from tests.factories import TEST_PASSWORD, TalentFactory


class _FormScraper(HTMLParser):
    """The fields of the page's first POST form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._done = {}, False, False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("method") == "post" and "action" not in attrs:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "y"))
            elif kind != "submit":
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_of(client, url: str) -> dict:
    scraper = _FormScraper()
    scraper.feed(client.get(url).get_data(as_text=True))
    data = dict(scraper.data)
    for key, value in data.items():
        if isinstance(value, str) and value.startswith("\n"):
            data[key] = value[1:]  # the newline after <textarea> is not content
    return data


def test_talent_edit_from_a_stale_page_is_refused_and_keeps_the_input(client, auth):
    auth.login_as("org")
    talent = TalentFactory(employer="湖南双牌竹木科技有限公司", title_name="工程师")
    db.session.commit()
    clerk_a = form_of(client, f"/talents/{talent.id}/edit")
    clerk_b = form_of(client, f"/talents/{talent.id}/edit")
    assert clerk_a["version"] == "1"
    saved = client.post(f"/talents/{talent.id}/edit", data={**clerk_a, "employer": "双牌县人民医院"})
    assert saved.status_code == 302
    stale = client.post(f"/talents/{talent.id}/edit", data={**clerk_b, "title_name": "高级工程师"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "已被他人修改" in page
    # what the other clerk changed, and this clerk's input, kept in the form
    assert "工作单位" in page and "双牌县人民医院" in page
    assert 'value="高级工程师"' in page and 'name="version" type="hidden" value="2"' in page
    db.session.refresh(talent)
    assert (talent.employer, talent.title_name, talent.version) == ("双牌县人民医院", "工程师", 2)
    # saving again, now over what is there, goes through
    again = form_of(client, f"/talents/{talent.id}/edit")
    assert client.post(f"/talents/{talent.id}/edit",
                       data={**again, "title_name": "高级工程师"}).status_code == 302
    db.session.refresh(talent)
    assert (talent.employer, talent.title_name, talent.version) == ("双牌县人民医院", "高级工程师", 3)


def test_api_patch_with_a_stale_version_is_a_409(client, api_token):
    headers = api_token("org")
    talent = TalentFactory(employer="湖南双牌竹木科技有限公司")
    db.session.commit()
    read = client.get(f"/api/v1/talents/{talent.id}", headers=headers).get_json()
    assert read["version"] == 1
    first = client.patch(f"/api/v1/talents/{talent.id}", headers=headers,
                         json={"employer": "双牌县人民医院", "version": read["version"]})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    second = client.patch(f"/api/v1/talents/{talent.id}", headers=headers,
                          json={"title_name": "研究员", "version": read["version"]})
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "stale"
    assert client.patch(f"/api/v1/talents/{talent.id}", headers=headers,
                        json={"version": "²"}).status_code == 422
    # echoing the whole GET back with its version works; leaving version out is a 422 (issue 19)
    current = client.get(f"/api/v1/talents/{talent.id}", headers=headers).get_json()
    del current["id_number"]  # masked or not, the number is not being changed here
    assert client.patch(f"/api/v1/talents/{talent.id}", headers=headers,
                        json={**current, "title_name": "研究员"}).status_code == 200
    missing = client.patch(f"/api/v1/talents/{talent.id}", headers=headers,
                           json={"title_name": "正高级工程师"})
    assert missing.status_code == 422 and "version" in missing.get_json()["error"]["fields"]


def test_version_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Talent"]
    assert schema["properties"]["version"]["type"] == "integer"


def test_stale_team_form(client, auth):
    auth.login_as("org")
    team = Team(name="竹木精深加工创新团队", field="bamboo_wood", description="")
    db.session.add(team)
    db.session.commit()
    opened = form_of(client, f"/teams/{team.id}/edit")
    registry.update_team(None, team, {"description": "另一位经办人写的简介"})
    db.session.commit()
    response = client.post(f"/teams/{team.id}/edit", data={**opened, "name": "竹木创新团队"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已被他人修改" in page and "另一位经办人写的简介" in page
    db.session.refresh(team)
    assert team.name == "竹木精深加工创新团队"


def test_stale_user_form_but_sign_ins_do_not_make_it_stale(client, auth, make_user):
    admin = auth.login_as("admin")
    target = make_user("org", display_name="周敏")
    db.session.commit()
    opened = form_of(client, f"/admin/users/{target.id}/edit")
    # the user signs in (failure counters, last login) meanwhile: not a change to the form
    other = client.application.test_client()
    other.post("/login", data={"username": target.username, "password": "wrong-password1"})
    other.post("/login", data={"username": target.username, "password": TEST_PASSWORD})
    db.session.refresh(target)
    assert target.last_login_at is not None and target.version == 1
    assert client.post(f"/admin/users/{target.id}/edit",
                       data={**opened, "display_name": "周敏（组织部）"}).status_code == 302
    # another admin's change does make it stale
    stale = client.post(f"/admin/users/{target.id}/edit", data={**opened, "display_name": "周小敏"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "已被他人修改" in page and "周敏（组织部）" in page
    db.session.refresh(target)
    assert (target.display_name, target.version) == ("周敏（组织部）", 2)
    assert admin.version == 1


def test_stale_rule_form_saves_no_version(client, auth):
    auth.login_as("admin")
    opened = form_of(client, "/cards/rules/new")
    assert opened["based_on"] == "1"
    current = cards.current_rule_set()
    cards.create_rule_version(None, current.rules, current.effective_on, "另一位管理员的修订")
    db.session.commit()
    response = client.post("/cards/rules/new", data={**opened, "note": "我的修订"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已被他人修改" in page and "第2版" in page
    assert db.session.scalar(select(func.count(CardRuleSet.id))) == 2
    assert 'name="based_on" type="hidden" value="2"' in page


def test_stale_benefits_form(client, auth):
    auth.login_as("admin")
    opened = form_of(client, "/cards/benefits")
    housing = db.session.scalar(select(TierBenefit).where(TierBenefit.tier == "A",
                                                          TierBenefit.kind == "housing"))
    cards.update_benefits(None, {("A", "housing"): "另一位管理员：免租150平方米"})
    db.session.commit()
    response = client.post("/cards/benefits", data={**opened, "A_medical": "我的修改"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已被他人修改" in page and "另一位管理员：免租150平方米" in page
    db.session.refresh(housing)
    medical = db.session.scalar(select(TierBenefit).where(TierBenefit.tier == "A",
                                                          TierBenefit.kind == "medical"))
    assert medical.text != "我的修改" and housing.version == 2


@pytest.fixture
def other_clerk_saves_right_after_the_check(monkeypatch):
    """Another request commits between the form-level check and this UPDATE: the version in
    the UPDATE's WHERE is the last word (SQLAlchemy's version_id_col)."""
    real_check = core_db.check_version

    def check_then_other_commits(obj, expected):
        real_check(obj, expected)
        with db.engine.begin() as other:
            other.execute(update(Talent).where(Talent.id == obj.id)
                          .values(employer="另一位经办人", version=Talent.version + 1))

    monkeypatch.setattr(registry, "check_version", check_then_other_commits)


def test_same_instant_save_on_a_page_is_refused(client, auth, other_clerk_saves_right_after_the_check):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    opened = form_of(client, f"/talents/{talent.id}/edit")
    response = client.post(f"/talents/{talent.id}/edit", data={**opened, "title_name": "研究员"},
                           headers={"Referer": f"http://localhost/talents/{talent.id}/edit"})
    assert response.status_code == 302 and response.location.endswith(f"/talents/{talent.id}/edit")
    assert "已被他人修改" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Talent, talent.id).employer == "另一位经办人"


def test_same_instant_save_through_the_api_is_a_409(client, api_token,
                                                    other_clerk_saves_right_after_the_check):
    headers = api_token("org")
    talent = TalentFactory()
    db.session.commit()
    response = client.patch(f"/api/v1/talents/{talent.id}", json={"title_name": "研究员", "version": 1},
                            headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "stale"
    assert db.session.execute(text("SELECT 1")).scalar() == 1  # the session is usable again
