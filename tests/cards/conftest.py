from datetime import date

import pytest

from talent.core import timeutil


@pytest.fixture
def freeze_today(monkeypatch):
    """Make the county's calendar say a given day, for everything that asks timeutil.today()."""

    def freeze(day: date) -> None:
        monkeypatch.setattr(timeutil, "today", lambda: day)

    return freeze
