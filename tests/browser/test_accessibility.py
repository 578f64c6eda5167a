"""WCAG 2 AA checked by axe-core on the pages people use most, at desk and phone widths."""
import pytest

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PAGES = [
    ("zzb", "/"),
    ("zzb", "/talents"),
    ("zzb", "/cards"),
    ("zzb", "/cards/recommended"),
    ("rencai", "/me"),
    ("admin", "/admin/users"),
    ("admin", "/audit"),
]


@pytest.mark.parametrize(("username", "path"), PAGES, ids=[p for _u, p in PAGES])
def test_page_meets_wcag_aa(page, username, path):
    sign_in(page, username, landing="**/*")
    page.goto(path)
    assert axe_violations(page) == []


def test_login_page_meets_wcag_aa_on_a_phone(phone):
    phone.goto("/login")
    assert axe_violations(phone) == []
    # No sideways scrolling on a 375 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
