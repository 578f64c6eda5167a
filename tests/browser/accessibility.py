"""Run axe-core (vendored from npm, tests/browser/vendor) in a page and return WCAG 2 A/AA violations.

The page's Content-Security-Policy forbids inline scripts, so axe is injected through the
DevTools protocol with ``add_init_script``-free evaluation: Playwright's ``evaluate`` runs in
the page's main world without being subject to CSP.
"""
from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, rules: tuple[str, ...] = ("wcag2a", "wcag2aa")) -> list[dict]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(rules))
    return [{"id": v["id"], "nodes": [(n["target"], n.get("failureSummary", "")[-160:])
                                      for n in v["nodes"]][:4]}
            for v in result["violations"]]
