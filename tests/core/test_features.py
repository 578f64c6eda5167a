"""The feature contract: what the features declare is what the app shows."""
from datetime import date

from talent.core import features
from talent.core.features import Metric
from talent.core.permissions import Permission
from tests.factories import TalentFactory, TeamFactory


def test_core_imports_no_feature():
    import pathlib
    import re

    core = pathlib.Path(__file__).parents[2] / "talent" / "core"
    offenders = [str(p) for p in core.glob("*.py")
                 if re.search(r"^\s*(from|import) talent\.(?!core|extensions)", p.read_text(), re.M)]
    assert offenders == []


def test_menu_follows_permissions(app, make_user):
    talent_menu = features.menu_for(make_user("talent"))
    assert talent_menu[0].endpoint == "portal.home"
    assert all(e.permission is Permission.PORTAL for e in talent_menu)
    admin_menu = [e.endpoint for e in features.menu_for(make_user("admin"))]
    assert admin_menu[0] == "dashboard.index" and "dashboard.audit_log" in admin_menu


def test_metrics_count_from_the_registry(app):
    TalentFactory(nationality="DE", source="introduced", introduced_on=date(2026, 3, 1))
    TalentFactory(nationality="DE", source="introduced", introduced_on=date(2025, 3, 1))
    TalentFactory(nationality="CN", source="introduced", introduced_on=date(2026, 3, 1))
    TeamFactory(introduced_on=date(2026, 5, 1))
    foreign = features.metric("registry.foreign_talents_introduced")
    assert isinstance(foreign, Metric) and foreign.compute(2026) == 1
    assert features.metric("registry.teams_introduced").compute(2026) == 1
    assert features.metric("nonexistent.metric") is None


def test_every_declared_audit_object_is_a_table(app):
    from talent.core.audit import BASE_OBJECT_LABELS
    from talent.extensions import db

    # core's own subjects (the data keys) are no table; every feature's are
    assert set(features.audit_objects()) - set(BASE_OBJECT_LABELS) <= set(db.metadata.tables)
    assert "data_keys" in features.audit_objects()


def test_every_pager_names_an_endpoint_that_exists(app):
    """A pager is drawn only from the second page on, so a wrong endpoint in it is a 500 that no
    one-page test sees (the delivery list's pager named ``notifications.deliveries``)."""
    import pathlib
    import re

    templates = pathlib.Path(__file__).parents[2] / "templates"
    named = {(path.name, m) for path in templates.rglob("*.html")
             for m in re.findall(r"pager\(page, '([\w.]+)'", path.read_text())}
    assert len(named) > 10
    assert sorted(n for n in named if n[1] not in app.view_functions) == []
