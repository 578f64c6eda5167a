"""Run axe-core (vendored from npm, tests/browser/vendor) in a page and return WCAG 2 A/AA violations.

The page's Content-Security-Policy forbids inline scripts, so axe is injected through the
DevTools protocol with ``add_init_script``-free evaluation: Playwright's ``evaluate`` runs in
the page's main world without being subject to CSP.

``EveryPage`` runs the same check on every page any browser test loads (see conftest.py).
"""
import time
from pathlib import Path
from urllib.parse import urlsplit

from greenlet import getcurrent
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RULES = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page, rules: tuple[str, ...] = RULES) -> list[dict]:
    if ACTIVE and not ACTIVE.busy:  # a test checking this page itself: not twice
        ACTIVE.due = [p for p in ACTIVE.due if p._impl_obj is not page._impl_obj]
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", list(rules))
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [(n["target"], n.get("failureSummary", "")[-160:]) for n in v["nodes"]][:4]}
            for v in result["violations"]]


ACTIVE: "EveryPage | None" = None


class EveryPage:
    """axe on every page the browser tests load, gating every impact (minor to critical) of the
    WCAG 2.0/2.1 A and AA rules: these rules are the conformance bar itself (GB/T 37668 follows
    WCAG 2.0), so a "minor" one is still a failed success criterion; axe's best-practice rules
    are left out.

    Each new page reports its main-frame ``load``; the check runs just before the test's next
    Playwright call (or when its context closes), so it sees the page as loaded and never runs
    while the test is typing or clicking. A page is checked once per session for each path,
    viewport width and language: repeated visits cost nothing. A violation fails the test at
    that call, listing the rule, impact and first nodes."""

    def __init__(self) -> None:
        self.seen: set[tuple] = set()
        self.due: list = []
        self.busy = False
        self.checks = 0
        self.seconds = 0.0
        self.main = getcurrent()

    def watch(self, page):
        page.on("load", lambda loaded: self.due.append(loaded))
        page.on("popup", self.watch)  # a page the page opens (target=_blank) is checked too
        return page

    def flush(self) -> None:
        if self.busy or not self.due or getcurrent() is not self.main:
            return
        self.busy = True
        try:
            pages, self.due = list(dict.fromkeys(self.due)), []
            for page in pages:
                self._check(page)
        finally:
            self.busy = False

    def _check(self, page) -> None:
        if page.is_closed() or not page.url.startswith("http"):
            return
        started = time.perf_counter()
        try:
            key = (urlsplit(page.url).path, (page.viewport_size or {}).get("width"),
                   page.evaluate("document.documentElement.lang"))
            if key in self.seen:
                return
            self.seen.add(key)
            self.checks += 1
            try:
                found = axe_violations(page)
            except PlaywrightError:  # navigated away meanwhile: its next load is checked
                self.seen.discard(key)
                return
        except PlaywrightError:
            return
        finally:
            self.seconds += time.perf_counter() - started
        if found:
            raise AssertionError(f"axe: {page.url} (width {key[1]}, lang {key[2]}): {found}")

    def install(self, monkeypatch) -> None:
        """Playwright has no public "before each call" hook: this wraps ``SyncBase._sync``, the
        one door every sync API call goes through (Page, Locator, expect …), and the two ways
        tests open pages. requirements-dev.txt pins Playwright; a rename there fails loudly."""
        from playwright._impl._sync_base import SyncBase

        global ACTIVE
        every_page = ACTIVE = self
        sync, context_page, browser_page = SyncBase._sync, BrowserContext.new_page, Browser.new_page
        context_close = BrowserContext.close

        def checked_sync(self, awaitable):
            if every_page.due and not every_page.busy:
                try:
                    every_page.flush()
                except AssertionError:
                    if hasattr(awaitable, "close"):
                        awaitable.close()
                    raise
            return sync(self, awaitable)

        def close(self, *args, **kwargs):
            every_page.flush()
            return context_close(self, *args, **kwargs)

        monkeypatch.setattr(SyncBase, "_sync", checked_sync)
        monkeypatch.setattr(BrowserContext, "new_page", lambda c: every_page.watch(context_page(c)))
        monkeypatch.setattr(Browser, "new_page",
                            lambda b, **kw: every_page.watch(browser_page(b, **kw)))
        monkeypatch.setattr(BrowserContext, "close", close)
