"""A live server in a thread and Debian's Chromium driven by Playwright.

Browser tests need /usr/bin/chromium (Debian's package). Locally they skip
without it; CI sets REQUIRE_BROWSER=1, so there a missing browser fails.
"""
import itertools
import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from talent.extensions import db
from talent.reference import seed_reference
from tests.conftest import make_app, required_by_ci
from tests.factories import TalentFactory, UserFactory

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if required_by_ci("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def axe_on_every_page():
    """axe-core on every page a browser test loads (tests/browser/accessibility.py, EveryPage).
    AXE_EVERY_PAGE=0 turns it off, to measure what it costs."""
    if os.environ.get("AXE_EVERY_PAGE") == "0":
        yield None
        return
    from tests.browser.accessibility import EveryPage

    every_page = EveryPage()
    with pytest.MonkeyPatch.context() as patch:
        every_page.install(patch)
        yield every_page
    AXE_TOTALS.update(checks=every_page.checks, seconds=every_page.seconds)


AXE_TOTALS: dict = {}


def pytest_terminal_summary(terminalreporter):
    if AXE_TOTALS.get("checks"):
        terminalreporter.write_line("axe on every page: {checks} pages checked in {seconds:.1f} s"
                                    .format(**AXE_TOTALS))


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The real application with CSRF on, on a SQLite file, with a clerk, a unit user and a talent."""
    database = tmp_path_factory.mktemp("live") / "live.sqlite"
    app = make_app(f"sqlite:///{database}", WTF_CSRF_ENABLED=True, TESTING=False)
    with app.app_context():
        db.create_all()
        seed_reference()
        UserFactory(username="admin", role="admin", display_name="系统管理员")
        UserFactory(username="zzb", role="org", display_name="周敏")
        UserFactory(username="kgxj", role="unit", display_name="唐志刚")
        leader = TalentFactory(name="李明", education="doctorate", title_level="senior",
                               employer="湖南双牌竹木科技有限公司")
        UserFactory(username="rencai", role="talent", talent_id=leader.id, display_name="李明")
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The application served over HTTP on a free local port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _watched(context):
    """A page whose console errors (CSP violations, failed loads, script errors) fail the test."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True, locale="zh-CN")
    page = _watched(context)
    yield page
    errors = page.console_errors
    context.close()
    assert errors == []


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True, device_scale_factor=2,
                                  locale="zh-CN")
    page = _watched(context)
    yield page
    errors = page.console_errors
    context.close()
    assert errors == []


def ensure_leader_card(live_app) -> None:
    """李明 (rencai) holds an active card, whatever earlier browser tests did to it."""
    from talent.cards import operations as cards
    from talent.registry.models import Talent

    with live_app.app_context():
        leader = db.session.scalar(db.select(Talent).where(Talent.name == "李明"))
        if cards.active_card(leader) is None:
            cards.issue_card(None, leader)
        db.session.commit()
        db.session.remove()


def sign_in(page, username: str, landing: str = "**/") -> None:
    from tests.factories import TEST_PASSWORD

    page.goto("/login")  # in English for an English browser
    page.get_by_label(re.compile("^(用户名|Username)")).fill(username)
    page.get_by_label(re.compile("^(密码|Password)")).fill(TEST_PASSWORD)
    page.get_by_role("button", name=re.compile("^(登录|Sign in)$")).click()
    page.wait_for_url(landing)


def open_menu(page, group: str, item: str) -> None:
    """Follow a menu entry that sits in a navbar dropdown (groups fold related pages)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # phone: open the collapsed menu first
        toggler.click()
    page.locator(".navbar-nav .dropdown-toggle", has_text=group).click()
    # Not exact: an icon's glyph is part of the accessible name.
    page.locator(".navbar-nav .dropdown-menu.show").get_by_role("link", name=item).first.click()


_field_accounts = itertools.count(1)


@pytest.fixture
def field_commissioner(live_app):
    """A commissioner with a sign-in and one active assignment: (commissioner id, target name,
    username). The target's contact phone is 13800000000."""
    from tests.commissioners.world import make_assignment, make_commissioner, make_target

    number = next(_field_accounts)
    with live_app.app_context():
        commissioner = make_commissioner("蒋国平")
        target = make_target(f"双牌县何家洞镇生态养殖专业合作社{number}", town="何家洞镇")
        make_assignment(commissioner, target)
        user = UserFactory(username=f"tpy-browser{number}", role="commissioner",
                           commissioner_id=commissioner.id, display_name="蒋国平")
        db.session.commit()
        ids = commissioner.id, target.name, user.username
        db.session.remove()
    return ids


def logs_with(live_app, content: str) -> int:
    """How many service logs carry exactly this content."""
    from talent.commissioners.models import ServiceLog

    with live_app.app_context():
        count = len(list(db.session.scalars(db.select(ServiceLog).where(ServiceLog.content == content))))
        db.session.remove()
    return count
