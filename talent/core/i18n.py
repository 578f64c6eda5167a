"""English for the pages a foreign expert reads — the talent portal, the card and the public
verification page — through Flask-Babel. Chinese is the source language (the msgids); the
person's choice (a cookie set by the 中文/English switch) wins, else the browser's languages.
Every other page stays Chinese whatever is chosen (``ENGLISH_PAGES``)."""
import re

from flask import Blueprint, redirect, request
from flask_babel import Babel, get_locale, gettext, refresh
from markupsafe import Markup, escape

from talent.core.permissions import public

LANGUAGES = ("zh", "en")
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
COOKIE = "lang"
babel = Babel()
bp = Blueprint("i18n", __name__)


# The pages that exist in English: the sign-in page, the talent's portal (and the posts and
# code refreshes it makes), the public verification page. Every other page is Chinese whatever
# the person chose, so no page mixes an English menu with Chinese content.
ENGLISH_PAGES = frozenset({"auth.login", "portal.home", "portal.fresh_dynamic_code",
                           "portal.correction", "portal.photo", "cards.verify",
                           "cards.verify_dynamic"})


def select_locale() -> str:
    if request.endpoint not in ENGLISH_PAGES:
        return "zh"
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def english() -> bool:
    return str(get_locale()) == "en"


def chinese(text) -> Markup | str:
    """A proper name (a person, a unit) or another Chinese text on an English page: marked
    lang="zh-CN" so screen readers switch voice (WCAG 3.1.2) and the English-page test knows
    the Chinese is meant. On Chinese pages the text as it is."""
    if text in (None, "") or not english() or not HAN.search(str(text)):
        return "" if text is None else text
    return Markup('<span lang="zh-CN">%s</span>') % text


def data_text(text) -> Markup | str:
    """A text that comes from data (a tier or benefit name, a status): its English from the
    catalogue; one the catalogue does not know (the office renamed a tier) stays Chinese,
    marked as such."""
    if text in (None, "") or not english():
        return "" if text is None else text
    translated = gettext(str(text))
    return escape(translated) if translated != text else chinese(text)


def _same_site(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.get("/lang/<code>")
@public
def choose(code: str):
    """The language switch: remembered for a year in a cookie, then back to the page."""
    response = redirect(_same_site(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def install(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel remembers the locale on the app context; where one context serves several
    # requests (tests, CLI), each request still chooses afresh.
    app.before_request(refresh)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(english=english)
    app.jinja_env.filters.update(zh=chinese, tr=data_text)
