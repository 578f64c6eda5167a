"""English for the pages a foreign expert reads — the talent portal, the card and the public
verification page — through Flask-Babel. Chinese is the source language (the msgids); the
person's choice (a cookie set by the 中文/English switch) wins, else the browser's languages.
Staff pages have no translatable strings and stay Chinese whatever is chosen."""
from flask import Blueprint, redirect, request
from flask_babel import Babel, get_locale, refresh

from talent.core.permissions import public

LANGUAGES = ("zh", "en")
COOKIE = "lang"
babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def english() -> bool:
    return str(get_locale()) == "en"


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
