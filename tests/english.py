"""The rule for English pages: no Chinese outside an element marked lang="zh…".

Only proper names (a person, a unit, an employer) and texts the office typed that have no
English (a renamed tier, an edited benefit) are marked so (talent.core.i18n: ``|zh``, ``|tr``);
everything else a foreign expert reads — text, alt, title, aria-label, placeholder and the
data-* messages scripts show — is English. Script and style bodies are not text."""
import re
from html.parser import HTMLParser

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, Chinese allowed inside)
        self.found: list[str] = []

    def _allowed(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        allowed = lang.startswith("zh") if lang is not None else self._allowed()
        if not allowed:
            self.found += [f"<{tag} {name}>{value}" for name, value in attrs.items()
                           if name not in ("href", "src", "action") and value and CJK.search(value)]
        if tag not in VOID:
            self.stack.append((tag, allowed))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if not self._allowed() and CJK.search(data):
            self.found.append(data.strip())


def chinese_outside_names(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return reader.found


def data_texts() -> set[str]:
    """Texts from data or code tables that the English portal, card and verification pages show:
    each must have English in the catalogue (tests/portal/test_english.py)."""
    from talent.cards.models import BENEFIT_KINDS, SHOWN_STATUSES
    from talent.cards.operations import DEFAULT_BENEFITS
    from talent.cards.rules import DEFAULT_RULES
    from talent.cards.verification import Verification
    from talent.core import features
    from talent.core.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Role
    from talent.programmes.models import LEVELS as SCHEME_LEVELS
    from talent.programmes.models import OUTCOMES
    from talent.registry.choices import (
        CATEGORIES,
        EDUCATIONS,
        FIELDS,
        PROGRAMME_LEVELS,
        TITLE_LEVELS,
    )

    talent_may = ROLE_PERMISSIONS[Role.TALENT]
    menu = {text for f in features.installed_features() for entry in f.menu
            if entry.permission in talent_may for text in (entry.text, entry.group) if text}
    card_actions = {"issue", "renew", "revoke", "replace", "reissue", "upgrade", "supersede"}
    return (menu | {t["name"] for t in DEFAULT_RULES["tiers"]}
            | {text for kinds in DEFAULT_BENEFITS.values() for text in kinds.values()}
            | set(BENEFIT_KINDS.values()) | set(SHOWN_STATUSES.values())
            | set(Verification.STATUS_TEXT.values()) | {ROLE_LABELS[Role.TALENT]}
            | {label for action, label in features.audit_actions().items() if action in card_actions}
            | set(EDUCATIONS.values()) | set(TITLE_LEVELS.values()) | set(FIELDS.values())
            | set(CATEGORIES.values()) | set(PROGRAMME_LEVELS.values())
            | set(OUTCOMES.values()) | set(SCHEME_LEVELS.values()))
