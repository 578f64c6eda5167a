"""泷泊英才 — the talent-service system of 双牌县."""
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from talent import config as settings
from talent.core import crypto, i18n, ratelimit, replica
from talent.core.validators import DB_INT_MAX
from talent.extensions import csrf, db, login_manager, migrate

# The installed features, in menu and seeding order. Adding a feature is one line here;
# each module's ``feature.py`` declares the rest (see docs/architecture.md).
FEATURES = (
    "talent.auth",
    "talent.registry",
    "talent.cards",
    "talent.portal",
    "talent.benefits",
    "talent.notifications",
    "talent.jobs",
    "talent.programmes",
    "talent.services",
    "talent.tasks",
    "talent.commissioners",
    "talent.employers",
    "talent.applications",
    "talent.allowances",
    "talent.dashboard",
)


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(settings.load(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config.get("CHECK_KEYS_AT_START", True):  # tests sharing one database turn it off
        crypto.check_keys_against_data(app, db.metadata)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies (a hop count, 0 by default), take the client
    address and scheme from their ``X-Forwarded-For``/``-Proto`` headers. Without it a client
    could claim any address; with it wrongly left at 0 every client would share the proxy's."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    crypto.install(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    ratelimit.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    i18n.install(app)
    replica.install(app)


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` bounded to what an integer primary key can hold. A larger number reads as 0,
    an id no row has, so the view answers 404 as for any other missing row — not an overflow
    inside the database driver, and not the 405 Werkzeug gave when a converter refused the
    value on one method's rule while another method's rule shared the path."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= DB_INT_MAX else 0


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    from talent.core import openapi, views
    from talent.core.features import install

    app.url_map.converters["int"] = DatabaseIdConverter
    app.register_blueprint(views.bp)
    app.register_blueprint(openapi.bp)
    install(app, [import_module(f"{name}.feature").feature for name in FEATURES])


def register_errorhandlers(app: Flask) -> None:
    from talent.core.errors import register_errorhandlers as register
    from talent.core.headers import register as register_headers
    from talent.core.inputs import register as register_inputs

    register(app)
    register_headers(app)
    register_inputs(app)


def register_template_helpers(app: Flask) -> None:
    from talent.core.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from talent.commands import register

    register(app)
