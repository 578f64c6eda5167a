"""Helpers for the task tracker's tests: the seeded plan, unit staff, frozen days."""
from datetime import date

import pytest
from sqlalchemy import select

from talent.auth.models import Unit
from talent.core import timeutil
from talent.extensions import db
from talent.tasks import operations
from talent.tasks.models import TaskItem, TaskPlan
from tests.factories import UserFactory


def unit_id(name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.name == name))


@pytest.fixture
def plan(app) -> TaskPlan:
    return operations.load_plan(db.session.scalar(select(TaskPlan.id)))


@pytest.fixture
def items(plan) -> dict[str, TaskItem]:
    return {item.code: item for item in plan.items}


@pytest.fixture
def staff(app):
    """A unit account of the named unit."""

    def make(unit_name: str, **kwargs):
        return UserFactory(role="unit", unit_id=unit_id(unit_name), **kwargs)

    return make


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the county's calendar day (everything asks ``timeutil.today()``)."""

    def freeze(day: date) -> date:
        monkeypatch.setattr(timeutil, "today", lambda: day)
        return day

    return freeze
