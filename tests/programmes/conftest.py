from datetime import date

import pytest
from sqlalchemy import select

from talent.core import timeutil
from talent.extensions import db
from talent.programmes.models import Programme


@pytest.fixture
def programmes(app):
    """The seeded programmes by level: national, provincial (湖湘青年英才), municipal."""
    by_name = {p.name: p for p in db.session.scalars(select(Programme))}
    return {"national": by_name["国家级人才项目"], "provincial": by_name["湖南省湖湘青年英才"],
            "municipal": by_name["永州市“双百”科技人才"]}


@pytest.fixture
def freeze_today(monkeypatch):
    def freeze(day: date) -> None:
        monkeypatch.setattr(timeutil, "today", lambda: day)

    return freeze


def values(talent, programme, **overrides) -> dict:
    return {"talent_id": talent.id, "programme_id": programme.id, "year": 2026, "source": "top_ten",
            "note": "市十大科技创新项目骨干", "outcome": "pending", "decided_on": None, "document_no": "",
            **overrides}
