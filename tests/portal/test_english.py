"""The sign-in page, the portal and the public verification page in English (Flask-Babel): chosen
by the person (the 中文/English switch, kept in a cookie) or by the browser; staff pages stay
Chinese. On an English page Chinese appears only where marked as such (tests/english.py)."""
import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from talent.cards import operations as cards
from talent.cards.verification import make_token
from talent.extensions import db
from tests.conftest import make_app
from tests.english import chinese_outside_names, data_texts
from tests.factories import TalentFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "talent" / "translations" / "en" / "LC_MESSAGES"
TRANSLATED = ["templates/cards/verify.html", "templates/portal/home.html", "templates/auth/login.html",
              "templates/base.html", "templates/macros.html",
              "templates/programmes/_talent_recommendations.html"]
# Messages made in code for these pages: gettext("…") and lazy form labels _l("…").
TRANSLATED_CODE = ["talent/auth/operations.py", "talent/auth/views.py", "talent/auth/forms.py",
                   "talent/portal/views.py", "talent/portal/forms.py"]


def test_every_string_marked_for_translation_has_english_and_the_mo_is_compiled():
    with open(CATALOG / "messages.po", "rb") as source:
        catalog = read_po(source)
    with open(CATALOG / "messages.mo", "rb") as compiled:
        built = read_mo(compiled)
    english = {m.id: m.string for m in catalog if m.id}
    assert english == {m.id: m.string for m in built if m.id}, "run the .po → .mo compile again"
    marked = {text for name in TRANSLATED
              for text in re.findall(r"_\('([^']+)'", (ROOT / name).read_text(encoding="utf-8"))}
    marked |= {text for name in TRANSLATED_CODE for text in
               re.findall(r'(?:gettext|_l)\("([^"]+)"', (ROOT / name).read_text(encoding="utf-8"))}
    # Data shown on these pages: tier, benefit, status and choice names, the talent's menu.
    with make_app("sqlite://").app_context():
        marked |= data_texts()
    missing = sorted(text for text in marked if not english.get(text))
    assert missing == []


def test_the_rule_finds_chinese_outside_marked_names():
    html = ('<p title="核验">Valid <span lang="zh-CN">李明 <b>县人民医院</b></span> 有效</p>'
            '<script>const a = "中文";</script><img alt="照片"><p lang="en">OK</p>')
    assert chinese_outside_names(html) == ["<p title>核验", "有效", "<img alt>照片"]


def _verify_page(client, card, **headers):
    return client.get(f"/cards/verify/{make_token(card)}", headers=headers).get_data(as_text=True)


def test_verification_page_follows_the_browser_and_the_switch(client, app):
    card = cards.issue_card(None, TalentFactory(name="欧阳湘云", education="doctorate"))
    db.session.commit()
    chinese = _verify_page(client, card)
    assert 'lang="zh-CN"' in chinese and "有效期至" in chinese and "English" in chinese
    english = _verify_page(client, card, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english and "Valid until" in english and "Checked at" in english
    assert "有效期至" not in english and "中文" in english
    # The person's choice beats the browser, and is kept.
    back = client.get(f"/lang/zh?next=/cards/verify/{make_token(card)}",
                      headers={"Accept-Language": "en"})
    assert back.status_code == 302 and back.location.endswith(f"/cards/verify/{make_token(card)}")
    assert "有效期至" in _verify_page(client, card, **{"Accept-Language": "en"})
    assert client.get("/lang/en?next=//evil.example").location in ("/", "http://localhost/")


def test_portal_in_english_staff_pages_stay_chinese(client, auth):
    talent = TalentFactory(name="Anna Weber", education="doctorate")
    cards.issue_card(None, talent)
    auth.login_as("talent", talent_id=talent.id)
    client.get("/lang/en?next=/me")
    page = client.get("/me").get_data(as_text=True)
    assert "Hello, Anna Weber" in page and "My Longbo Talent VIP Card" in page and "Valid until" in page
    auth.login_as("org")
    assert "科技人才信息库" in client.get("/").get_data(as_text=True)


def test_english_pages_show_chinese_only_in_names(client, auth, app):
    """Sign-in (with a wrong password), the portal of a card holder with a redemption and a
    correction, and the verification page, all in English: no Chinese outside proper names."""
    from talent.auth.units import unit_named
    from talent.benefits import operations as benefits
    from talent.core import timeutil
    from talent.registry import operations as registry

    talent = TalentFactory(name="欧阳湘云", education="doctorate", title_level="senior",
                           employer="湖南双牌竹木科技有限公司")
    card = cards.issue_card(None, talent)
    clerk = UserFactory(role="unit", unit_id=unit_named("县卫健局").id)
    benefits.redeem(clerk, card, "medical", timeutil.today(), note="体检")
    registry.request_correction(None, talent, "职称有误")
    db.session.commit()
    client.get("/lang/en?next=/login")
    login = client.post("/login", data={"username": "nobody", "password": "wrong"})
    pages = {"login": login.get_data(as_text=True)}
    assert "Wrong username or password" in pages["login"]
    auth.login_as("talent", talent_id=talent.id)
    pages["portal"] = client.get("/me").get_data(as_text=True)
    pages["verify"] = _verify_page(client, card)
    assert 'data-msg-expired="The dynamic code has expired' in pages["portal"]
    assert "Class A (top talent)" in pages["portal"] and "Medical care" in pages["portal"]
    assert '<span lang="zh-CN">欧**云</span>' in pages["verify"]
    assert {name: chinese_outside_names(html) for name, html in pages.items()} == \
        {"login": [], "portal": [], "verify": []}
