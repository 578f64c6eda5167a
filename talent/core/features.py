"""The feature contract: what a feature tells the application about itself.

``core`` never imports a feature. Each ``talent/<feature>/__init__.py`` exposes a
``feature = Feature(...)``; ``create_app`` imports the modules named in
``talent.FEATURES`` and hands each one to :func:`install`. Everything the
application shows across features — the menu, dashboard panels, audit labels,
the OpenAPI document, seed and demo data — is assembled here from what the
features declared, in the order of that list.

This is the plain-Python form of Indico's signals (``signals.menu.items``) and
CTFd's ``register_admin_plugin_menu_bar``: one explicit list instead of import
side effects, so a reader sees every feature in one place. See
``docs/architecture.md``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app

from talent.core.permissions import Permission

EXTENSION_KEY = "talent_features"


@dataclass(frozen=True)
class MenuEntry:
    """A navigation link; a user sees it when they hold ``permission`` and ``visible(user)`` agrees."""

    endpoint: str
    text: str
    icon: str
    permission: Permission
    order: int = 50
    visible: Callable[[Any], bool] | None = None
    # Entries sharing a group fold into one dropdown when a user sees more than one of them,
    # so a role with many pages (the admin sees ~16) still gets a menu that fits at 1366 px.
    group: str = ""

    def shown_to(self, user) -> bool:
        if user is None or not user.can(self.permission):
            return False
        return self.visible is None or bool(self.visible(user))


@dataclass(frozen=True)
class Panel:
    """A block on the 工作台: ``context(user)`` returns the template's variables, or None to hide it.

    Panels are rendered in ``order`` from all features; each role sees the panels whose
    context function answers for it, so the dashboard shows that role's own work.
    """

    template: str
    context: Callable[[Any], Mapping | None]
    order: int = 50
    # The user's own queue (requests to handle, tasks to report): for a unit's clerk it comes
    # before county-wide figures, whatever the order.
    own_work: bool = False


@dataclass(frozen=True)
class Metric:
    """A figure a feature computes from its own data for a year — what the task tracker shows as a
    *computed* indicator (外国人才引进数, VIP卡发放数 …) instead of a number someone typed.

    Looked up by key (``"registry.foreign_talents_introduced"``) so the tracker never imports
    the feature that owns the data.
    """

    label: str
    measure: str  # 人, 家, 个, 项, 张, 件, %, 万元 …
    compute: Callable[[int], float | int]  # year → value
    link: Callable[[int], str] | None = None  # year → URL of the list behind the number


@dataclass(frozen=True)
class Feature:
    name: str
    # Page blueprints carry CSRF; API blueprints authenticate by Bearer token only and are
    # CSRF-exempt by kind, so a new API never needs its name added to an exemption list.
    blueprints: tuple[Blueprint, ...] = ()
    api_blueprints: tuple[Blueprint, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    panels: tuple[Panel, ...] = ()
    # Audit log: table name → label, action → label, and per table the field labels (a callable,
    # because they usually come from form classes built lazily), plus value labels per field:
    # ``{(table or "*", field): {code: label}}``.
    audit_objects: Mapping[str, str] = field(default_factory=dict)
    audit_actions: Mapping[str, str] = field(default_factory=dict)
    audit_fields: Callable[[], Mapping[str, Mapping[str, str]]] | None = None
    audit_values: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    # Ids in the log read as names: ``{(table or "*", field): lookup(id) -> name or None}``.
    audit_references: Mapping[tuple[str, str], Callable[[Any], str | None]] = field(default_factory=dict)
    # OpenAPI: a callable returning ``(paths, schemas)``; built per request so enumerations
    # always come from the live choice tables.
    openapi: Callable[[], tuple[dict, dict]] | None = None
    # Reference data (``flask seed`` and every test app) and first-run demo data.
    seed: Callable[[], Any] | None = None
    demo: Callable[[DemoContext], Any] | None = None
    # Figures for computed indicators: ``{"<feature>.<name>": Metric}``.
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    template_globals: Mapping[str, Any] = field(default_factory=dict)
    template_filters: Mapping[str, Callable] = field(default_factory=dict)
    # Daily work for ``flask sweep`` (cron / systemd timer): ``daily(today) -> {what: count}``.
    # Must be idempotent: a second run the same day changes nothing.
    daily: Callable[[Any], Mapping[str, int]] | None = None
    # Work for ``flask worker`` (the background process beside the site): one small batch per
    # call, committed by the callable itself; ``background() -> {what: count}``, empty when idle.
    background: Callable[[], Mapping[str, int]] | None = None
    # Figures the feature maintains as things change, recomputed from scratch by
    # ``flask rebuild-summaries``: ``rebuild() -> {what: rows}``; flushes, the command commits.
    rebuild: Callable[[], Mapping[str, int]] | None = None
    # A role's home page instead of the 工作台: ``home(user) -> url or None`` (the 专班 leader's
    # home is the 调度 view).
    home: Callable[[Any], str | None] | None = None
    # Anything else the feature wires at start-up (a user loader, CLI commands, a hook).
    setup: Callable[[Flask], None] | None = None


@dataclass
class DemoContext:
    """What demo hooks share: a seeded random generator and the demo accounts by username."""

    rng: Any
    accounts: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


def install(app: Flask, features: Iterable[Feature]) -> None:
    from talent.extensions import csrf

    installed = list(features)
    names = [f.name for f in installed]
    if len(names) != len(set(names)):
        raise RuntimeError(f"feature names must be unique: {names}")
    app.extensions[EXTENSION_KEY] = installed
    for feature in installed:
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        for blueprint in feature.api_blueprints:
            app.register_blueprint(blueprint)
            csrf.exempt(blueprint)
        app.jinja_env.globals.update(feature.template_globals)
        app.jinja_env.filters.update(feature.template_filters)
        if feature.setup is not None:
            feature.setup(app)


def installed_features(app: Flask | None = None) -> list[Feature]:
    return (app or current_app).extensions.get(EXTENSION_KEY, [])


def menu_for(user) -> list[MenuEntry]:
    entries = [entry for f in installed_features() for entry in f.menu]
    return sorted((e for e in entries if e.shown_to(user)), key=lambda e: e.order)


@dataclass(frozen=True)
class MenuGroup:
    text: str
    entries: tuple[MenuEntry, ...]

    @property
    def single(self) -> MenuEntry | None:
        return self.entries[0] if len(self.entries) == 1 else None

    def active(self, endpoint: str | None) -> bool:
        return any(e.endpoint == endpoint for e in self.entries)


def menu_groups(user) -> list[MenuGroup]:
    """The menu as the navbar draws it: ungrouped entries alone, grouped ones together, in order."""
    groups: dict[str, list[MenuEntry]] = {}
    for entry in menu_for(user):
        key = entry.group or f"\0{entry.endpoint}"
        groups.setdefault(key, []).append(entry)
    return [MenuGroup("" if key.startswith("\0") else key, tuple(entries))
            for key, entries in groups.items()]


def home_for(user) -> str | None:
    """The first feature that gives this user a home page of its own, or None (the 工作台)."""
    for feature in installed_features():
        if feature.home is not None and (url := feature.home(user)):
            return url
    return None


def panels_for(user) -> list[tuple[Panel, Mapping]]:
    shown = []
    unit_first = getattr(user, "unit_id", None) is not None

    def key(panel: Panel) -> tuple:
        return (not panel.own_work, panel.order) if unit_first else (0, panel.order)

    for panel in sorted((p for f in installed_features() for p in f.panels), key=key):
        context = panel.context(user)
        if context is not None:
            shown.append((panel, context))
    return shown


def audit_objects() -> dict[str, str]:
    from talent.core.audit import BASE_OBJECT_LABELS

    return {**BASE_OBJECT_LABELS, **{k: v for f in installed_features() for k, v in f.audit_objects.items()}}


def audit_actions() -> dict[str, str]:
    from talent.core.audit import BASE_ACTION_LABELS

    merged = dict(BASE_ACTION_LABELS)
    for f in installed_features():
        merged.update(f.audit_actions)
    return merged


def audit_fields() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for f in installed_features():
        if f.audit_fields is not None:
            for table, labels in f.audit_fields().items():
                merged.setdefault(table, {}).update(labels)
    return merged


def audit_values() -> dict[tuple[str, str], Mapping[str, str]]:
    return {k: v for f in installed_features() for k, v in f.audit_values.items()}


def metrics() -> dict[str, Metric]:
    return {k: v for f in installed_features() for k, v in f.metrics.items()}


def metric(key: str) -> Metric | None:
    """The metric behind a computed indicator, or None when its feature is not installed."""
    return metrics().get(key)


def audit_references() -> dict[tuple[str, str], Callable[[Any], str | None]]:
    return {k: v for f in installed_features() for k, v in f.audit_references.items()}


def run_seed(app: Flask | None = None) -> dict[str, Any]:
    """Every feature's reference data, in feature order; safe to run again."""
    return {f.name: f.seed() for f in installed_features(app) if f.seed is not None}


def run_background(app: Flask | None = None) -> dict[str, Mapping[str, int]]:
    """One round of every feature's background work; only the features that did something."""
    results = {}
    for feature in installed_features(app):
        if feature.background is not None and (counts := feature.background()):
            results[feature.name] = counts
    return results


def run_daily(today, app: Flask | None = None) -> dict[str, Mapping[str, int]]:
    return {f.name: f.daily(today) for f in installed_features(app) if f.daily is not None}


def run_demo(context: DemoContext, app: Flask | None = None) -> DemoContext:
    for f in installed_features(app):
        if f.demo is not None:
            context.results[f.name] = f.demo(context)
    return context
