"""The portal, the card and the public verification page in English (Flask-Babel): chosen by the
person (the 中文/English switch, kept in a cookie) or by the browser; staff pages stay Chinese."""
import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from talent.cards import operations as cards
from talent.cards.verification import make_token
from talent.extensions import db
from tests.factories import TalentFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "talent" / "translations" / "en" / "LC_MESSAGES"
TRANSLATED = ["templates/cards/verify.html", "templates/portal/home.html"]


def test_every_string_marked_for_translation_has_english_and_the_mo_is_compiled():
    with open(CATALOG / "messages.po", "rb") as source:
        catalog = read_po(source)
    with open(CATALOG / "messages.mo", "rb") as compiled:
        built = read_mo(compiled)
    english = {m.id: m.string for m in catalog if m.id}
    assert english == {m.id: m.string for m in built if m.id}, "run the .po → .mo compile again"
    marked = {text for name in TRANSLATED
              for text in re.findall(r"_\('([^']+)'", (ROOT / name).read_text(encoding="utf-8"))}
    missing = sorted(text for text in marked if not english.get(text))
    assert missing == []


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
