"""Name, employer and phone search through an index (registry/search.py), on both engines:
the same answers as a scan, kept in step on insert, update and delete, found through the
index (the plan says so), and the migration builds the index over rows already there."""
import re

import pytest
from sqlalchemy import select

from talent.core import pagination
from talent.core.validators import normalize_id_number
from talent.extensions import db
from talent.registry.models import Talent
from talent.registry.operations import TalentQuery
from tests.factories import TalentFactory

PEOPLE = [("李明", "湖南昊利科技有限公司", "13874600001"), ("李明华", "双牌县人民医院", "13974600002"),
          ("张建国", "双牌县竹木产业园", "13574600003"), ("欧阳明", "永州市第一人民医院", "18874600004"),
          ("王李", "100%_Lab 实验室", "13874600005")]


def _found(q: str) -> set[str]:
    query = TalentQuery(q=q)
    names = {t.name for t in db.session.scalars(query.select())}
    # The counts take a cheaper condition for short queries on PostgreSQL: the same rows.
    assert db.session.scalar(query.count()) == len(names), q
    assert pagination.capped_count(query.counted()) == (len(names), False), q
    return names


def _scanned(q: str) -> set[str]:
    digits = re.sub(r"[\s-]", "", normalize_id_number(q))  # as TalentQuery reads a phone
    phone = digits if digits.isascii() and digits.isdigit() else q
    fold = str.lower if db.engine.dialect.name == "sqlite" else str  # LIKE's case rules, as before
    return {name for name, employer, number in _people()
            if fold(q) in fold(name) or fold(q) in fold(employer) or phone in number}


def _people():
    return [(t.name, t.employer, t.phone) for t in db.session.scalars(select(Talent))]


def _add_people():
    for name, employer, phone in PEOPLE:
        TalentFactory(name=name, employer=employer, phone=phone)
    db.session.commit()


QUERIES = ["李", "明", "李明", "医院", "昊利", "人民医院", "张建国", "欧阳湘云", "建", "138", "0002",
           "1387460", "100%", "%_", "lab", "实验", "王李", "x", "13874600001", "138-7460-0001",
           # short ones the gram index answers alone on PostgreSQL: LIKE's wildcards and escape,
           # case, full-width digits, and a query whose phone digits differ from it ("1-" → "1")
           "%", "_", "\\", "La", "LA", "13", "1３", "00", "1-"]


def test_search_answers_like_a_scan_for_every_length(app):
    _add_people()
    for q in QUERIES:
        assert _found(q) == _scanned(q), q
    assert _found("李明") == {"李明", "李明华"}  # a two-character name, anywhere
    assert _found("昊利") == {"李明"}  # two characters inside an employer
    assert _found("明") == {"李明", "李明华", "欧阳明"}


def test_index_follows_updates_and_deletes(app):
    _add_people()
    talent = db.session.scalar(select(Talent).where(Talent.name == "张建国"))
    talent.name, talent.employer = "赵卫东", "双牌县阳明山林场"
    db.session.commit()
    assert _found("张建国") == set() and _found("建国") == set()
    assert _found("赵卫东") == {"赵卫东"} and _found("明山林") == {"赵卫东"}
    assert _found("阳明") == {"赵卫东", "欧阳明"}
    db.session.delete(db.session.scalar(select(Talent).where(Talent.name == "李明华")))
    db.session.commit()
    assert _found("李明") == {"李明"} and _found("人民医院") == {"欧阳明"}
    for q in QUERIES:
        assert _found(q) == _scanned(q), q


def _plan(q: str) -> str:
    compiled = TalentQuery(q=q).select().limit(20).compile(db.engine)
    params = compiled.construct_params()
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # A table of five rows is read whole, or backwards along its key: what else can it use?
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), params)
    else:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                          tuple(params[name] for name in compiled.positiontup))
    plan = "\n".join(str(row) for row in rows)
    db.session.rollback()
    return plan


@pytest.mark.parametrize("q", ["李", "李明", "张建国", "欧阳湘云"])
def test_search_goes_through_an_index(app, q):
    _add_people()
    plan = _plan(q)
    if db.engine.dialect.name == "postgresql":
        index = "ix_talents_grams" if len(q) < 3 else "ix_talents_name_trgm"
        assert index in plan and "Seq Scan" not in plan, plan
    else:
        table = "talents_grams" if len(q) < 3 else "talents_search"
        assert "VIRTUAL TABLE INDEX" in plan and table in plan, plan


def test_counts_are_capped_with_an_exact_total_on_request(client, auth, api_token, monkeypatch):
    for n in range(7):
        TalentFactory(name=f"李{n}")
    db.session.commit()
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    auth.login_as("org")
    body = client.get("/talents?q=李").get_data(as_text=True)
    assert "共 5+ 条" in body and "统计确切总数" in body
    body = client.get("/talents?q=李&exact=1").get_data(as_text=True)
    assert "共 7 条" in body and "统计确切总数" not in body
    headers = api_token("org")
    listing = client.get("/api/v1/talents?q=李&per_page=2", headers=headers).get_json()
    assert listing["total"] == 5 and listing["total_is_estimate"] is True and len(listing["items"]) == 2
    listing = client.get("/api/v1/talents?q=李&per_page=2&exact=1", headers=headers).get_json()
    assert listing["total"] == 7 and listing["total_is_estimate"] is False
    listing = client.get("/api/v1/talents?q=李1", headers=headers).get_json()
    assert listing["total"] == 1 and listing["total_is_estimate"] is False
