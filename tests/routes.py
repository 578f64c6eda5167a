"""Example ids for the permission walk, gathered from every feature's test folder.

Each ``tests/<feature>/routes.py`` may define ``route_ids(user, role, ids) -> dict`` that creates
the records its routes need and returns ``{url variable: value}``; the walk fills every
``<…>`` of every route from the merged dict. A feature's object-level routes should be
tried on the signed-in user's own records where such exist (a talent's own request …),
so "allowed" really means allowed and not a 404.
"""
import importlib
import pkgutil
from pathlib import Path

TESTS = Path(__file__).parent


def _providers():
    for module in sorted(pkgutil.iter_modules([str(TESTS)]), key=lambda m: m.name):
        if module.ispkg and (TESTS / module.name / "routes.py").exists():
            yield importlib.import_module(f"tests.{module.name}.routes").route_ids


def example_ids(user, role: str | None) -> dict:
    ids: dict = {}
    for provide in _providers():
        ids.update(provide(user, role, ids))
    return ids
