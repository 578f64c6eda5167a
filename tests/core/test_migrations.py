"""The Alembic migrations build exactly the schema the models describe."""
import json
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from talent.extensions import db
from talent.registry.search import include_in_comparison
from tests.conftest import make_app


@pytest.fixture
def empty_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    # A separate database on the same throwaway server, so the shared test schema stays intact.
    import psycopg

    base = database_url.rsplit("/", 1)[0]
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS talent_migrations")
        conn.execute("CREATE DATABASE talent_migrations")
    return base + "/talent_migrations"


def test_upgrade_matches_models_and_downgrade_cleans_up(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": include_in_comparison})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        db.engine.dispose()


BEFORE_ENCRYPTION = "9ae27bcbdc57"


def _plain_rows(count: int) -> tuple[list[dict], list[dict]]:
    """Talents and commissioners as they were stored before encryption: plain ID numbers."""
    now = datetime(2026, 11, 1)
    talents, commissioners = [], []
    for n in range(count):
        number = f"4311231990{n:07d}X"
        talents.append({"id": n + 1, "name": f"测试{n}", "gender": "male", "id_type": "resident_id",
                        "id_number": number, "nationality": "CN", "phone": "", "email": "",
                        "education": "bachelor", "title_level": "none", "title_name": "",
                        "employer": "双牌县竹木产业园", "field": "bamboo_wood", "category": "none",
                        "source": "local", "programme_level": "none", "works_in_county": True,
                        "honors": [], "status": "active", "created_at": now, "updated_at": now})
    for n in range(3):
        commissioners.append({"id": n + 1, "name": f"特派员{n}", "id_number": f"43110219750101{n:03d}X",
                              "phone": "", "employer": "湖南农业大学", "expertise": "",
                              "field": "modern_agriculture", "level": "county", "three_regions": False,
                              "status": "active", "created_at": now, "updated_at": now})
    commissioners.append({**commissioners[0], "id": 4, "id_number": None, "name": "无证件号"})
    commissioners.append({**commissioners[0], "id": 5, "id_number": "", "name": "空证件号"})
    return talents, commissioners


CORRECTION = {"id": 1, "talent_id": 5, "text": "身份证号应为 4311231990000004X，登记时少了一位",
              "created_at": datetime(2026, 11, 2), "reply": ""}


LOGGED_CORRECTION = {"id": 1, "at": datetime(2026, 11, 2), "actor_id": None, "actor_name": "rencai",
                     "action": "create", "object_type": "correction_requests", "object_id": 1,
                     "summary": "测试5", "changes": {"text": [None, CORRECTION["text"]]}, "client": ""}


def _table(name: str, rows: list[dict]):
    from sqlalchemy import JSON, column, table

    return table(name, *(column(key, JSON) if key in ("honors", "changes") else column(key)
                         for key in rows[0]))


def _assert_no_plain_numbers_on_disk(url: str, numbers: list[str]) -> None:
    """What the migration replaced is gone from the files too, not just from the rows: SQLite
    zeroes freed pages (secure_delete), PostgreSQL's old row versions are vacuumed away. (The
    PostgreSQL write-ahead log keeps them until its segments are recycled: README 数据安全.)"""
    from pathlib import Path

    if url.startswith("sqlite"):
        files = [Path(url.removeprefix("sqlite:///"))]
        files += [Path(f"{files[0]}-wal")] if Path(f"{files[0]}-wal").exists() else []
    else:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("CHECKPOINT")
            folder = connection.exec_driver_sql("SHOW data_directory").scalar()
            oid = connection.exec_driver_sql(
                "SELECT oid FROM pg_database WHERE datname = current_database()").scalar()
        files = [f for f in (Path(folder) / "base" / str(oid)).iterdir() if f.is_file()]
    data = b"".join(f.read_bytes() for f in files)
    assert data
    leaked = [number for number in numbers if number.encode() in data]
    assert leaked == [], f"{len(leaked)} plain ID numbers left on disk"


def test_upgrade_encrypts_id_numbers_in_batches_and_downgrade_restores_them(empty_database):
    """Rows already in the tables (more than two batches) are encrypted by the upgrade, found
    through their blind index, and given back as they were by the downgrade."""
    from sqlalchemy import insert, select

    from talent.commissioners.models import Commissioner
    from talent.core import crypto
    from talent.registry.models import Talent
    from talent.registry.operations import find_by_id_number

    app = make_app(empty_database)
    talents, commissioners = _plain_rows(1203)
    with app.app_context():
        upgrade(revision=BEFORE_ENCRYPTION)
        with db.engine.begin() as connection:
            connection.execute(insert(_table("talents", talents)), talents)
            connection.execute(insert(_table("commissioners", commissioners)), commissioners)
            connection.execute(insert(_table("correction_requests", [CORRECTION])), [CORRECTION])
            connection.execute(insert(_table("audit_entries", [LOGGED_CORRECTION])), [LOGGED_CORRECTION])

        upgrade()
        with db.engine.connect() as connection:
            stored = dict(connection.execute(text("SELECT id, id_number FROM talents")).all())
            indexes = connection.execute(text("SELECT count(DISTINCT id_number_index) FROM talents")).scalar()
            kept_null = connection.execute(
                text("SELECT id_number, id_number_index FROM commissioners WHERE id = 4")).one()
        assert len(stored) == 1203 and indexes == 1203
        _assert_no_plain_numbers_on_disk(empty_database, [row["id_number"] for row in talents])
        assert all(crypto.is_encrypted(value) for value in stored.values())
        assert not any(row["id_number"] in "".join(stored.values()) for row in talents)
        assert tuple(kept_null) == (None, None)
        with db.engine.connect() as connection:
            correction = connection.execute(text("SELECT text FROM correction_requests")).scalar()
        assert crypto.is_encrypted(correction) and "4311231990" not in correction
        with db.engine.connect() as connection:  # the clear-text audit log kept only the length
            logged = connection.execute(text("SELECT changes FROM audit_entries")).scalar()
        logged = json.loads(logged) if isinstance(logged, str) else logged
        assert logged == {"text": [None, f"（{len(CORRECTION['text'])} 字，见更正申请）"]}
        blank = db.session.get(Commissioner, 5)
        assert blank.id_number is None and blank.id_number_index is None
        # Read back through the model: decrypted, and found by exact number in any width.
        assert {t.id: t.id_number for t in db.session.scalars(select(Talent))} == {
            row["id"]: row["id_number"] for row in talents}
        full_width = talents[700]["id_number"].translate(
            str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
        assert find_by_id_number(full_width).id == 701
        assert db.session.get(Commissioner, 2).id_number == commissioners[1]["id_number"]
        db.session.remove()
        if empty_database.startswith("sqlite"):  # copying the table kept the partial indexes partial
            with db.engine.connect() as connection:
                ddl = connection.execute(text("SELECT group_concat(sql, ' ') FROM sqlite_master "
                                              "WHERE name LIKE 'uq_commissioners_active_%'")).scalar()
            assert ddl.count("WHERE status = 'active'") == 2

        downgrade(revision=BEFORE_ENCRYPTION)
        with db.engine.connect() as connection:
            restored = dict(connection.execute(text("SELECT id, id_number FROM talents")).all())
            restored_commissioners = dict(connection.execute(
                text("SELECT id, id_number FROM commissioners")).all())
        assert restored == {row["id"]: row["id_number"] for row in talents}
        # an empty box, stored as "" before, comes back as what it meant: no number
        assert restored_commissioners == {row["id"]: row["id_number"] or None for row in commissioners}
        with db.engine.connect() as connection:
            restored_text = connection.execute(text("SELECT text FROM correction_requests")).scalar()
        assert restored_text == CORRECTION["text"]
        downgrade(revision="base")
        db.engine.dispose()


BEFORE_SEARCH_INDEXES = "1ccb71e4b25e"


def test_search_indexes_are_built_over_rows_already_there(empty_database):
    """The search migration on a database holding talents: built online (CONCURRENTLY, so valid
    indexes on PostgreSQL), it finds those rows by 1 to 4 characters, and its triggers keep a
    talent added afterwards in step (SQLite)."""
    from sqlalchemy import insert

    from talent.registry.models import Talent
    from talent.registry.operations import TalentQuery

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_SEARCH_INDEXES)
        rows, _ = _plain_rows(300)
        for row in rows:
            row.pop("id")
            row["id_number_index"] = row["id_number"]  # (any unique value: not searched here)
        rows[7].update(name="李明", employer="湖南昊利科技有限公司", phone="13874600001")
        db.session.execute(insert(Talent), rows)
        db.session.commit()
        upgrade()
        if db.engine.dialect.name == "postgresql":
            valid = dict(db.session.execute(text(
                "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname LIKE 'ix_talents_%_trgm' OR c.relname = 'ix_talents_grams'")).all())
            assert valid == {"ix_talents_name_trgm": True, "ix_talents_employer_trgm": True,
                             "ix_talents_phone_trgm": True, "ix_talents_grams": True}
        else:
            triggers = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            assert {"talents_search_insert", "talents_search_update", "talents_search_delete"} <= triggers

        def names(q):
            return [t.name for t in db.session.scalars(TalentQuery(q=q).select())]

        assert names("李明") == ["李明"] and names("昊利") == ["李明"] and names("4600001") == ["李明"]
        assert len(names("测试2")) == 111 and names("测试299") == ["测试299"]  # 测试2, 测试20–29, 测试200–299
        db.session.execute(insert(Talent), [{**rows[0], "name": "张建国", "id_number_index": "new"}])
        db.session.commit()
        assert names("建国") == ["张建国"] and names("张建国") == ["张建国"]
        db.session.remove()
        db.engine.dispose()


BEFORE_FIGURES = "a19e0f7c3b21"


def test_figures_and_eligibility_are_filled_for_talents_already_there(empty_database):
    """The summaries migration on a database holding talents: the dashboard's figures are filled
    by the migration, the eligibility by the worker's batches it leaves to run (the 推荐 list then
    equals the rules evaluated over every talent), the index built valid (CONCURRENTLY)."""
    from datetime import date

    from sqlalchemy import insert, select

    from talent.cards import eligibility
    from talent.cards import operations as cards
    from talent.cards.models import CardRuleSet
    from talent.cards.rules import DEFAULT_RULES, eligible_condition
    from talent.registry import figures
    from talent.registry.models import Talent

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_FIGURES)
        rows, _ = _plain_rows(120)
        for n, row in enumerate(rows):
            row.pop("id")
            row.update(id_number_index=row["id_number"], education=("doctorate", "master", "bachelor")[n % 3],
                       status="left" if n % 7 == 0 else "active", nationality="US" if n % 10 == 0 else "CN")
        db.session.execute(insert(Talent), rows)
        db.session.add(CardRuleSet(version=1, effective_on=date(2023, 1, 1), rules=DEFAULT_RULES))
        db.session.commit()
        upgrade()
        assert figures.counted() == figures.grouped() and sum(figures.counted().values()) == 120
        if db.engine.dialect.name == "postgresql":
            assert db.session.scalar(text(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = 'ix_talent_eligibility_version'")) is True
        assert list(db.session.scalars(cards.recommended_query())) == []  # not computed yet
        while "eligibility_finished" not in eligibility.recompute_step(batch=50):
            pass
        expected = list(db.session.scalars(select(Talent.id).where(eligible_condition(DEFAULT_RULES))
                                           .order_by(Talent.id)))
        assert [t.id for t in db.session.scalars(cards.recommended_query())] == expected
        assert len(expected) > 50
        db.session.remove()  # its open read would hold the tables the downgrade drops
        downgrade(revision=BEFORE_FIGURES)
        assert not {"talent_figures", "talent_eligibility", "eligibility_runs"} & set(
            inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()


BEFORE_SERVICE_FIGURES = "f6a2c8e41b37"


def _redemptions(talent_ids: list[int]) -> None:
    """Cards and 待遇兑现 over two years, written around the application (no counters kept)."""
    from datetime import date

    from sqlalchemy import insert, select

    from talent.auth.units import unit_named
    from talent.benefits.models import Redemption
    from talent.cards.models import Card, CardRuleSet
    from talent.cards.rules import DEFAULT_RULES

    now = datetime(2025, 1, 1)
    rule_id = db.session.scalar(select(CardRuleSet.id)) or db.session.execute(insert(CardRuleSet).values(
        version=99, effective_on=date(2023, 1, 1), rules=DEFAULT_RULES, note="", created_at=now)
        .returning(CardRuleSet.id)).scalar()
    db.session.execute(insert(Card), [
        {"number": f"VIP-T-{n}", "talent_id": talent_id, "tier": "B", "issued_on": date(2025, 1, 1),
         "expires_on": date(2028, 1, 1), "status": "active", "rule_set_id": rule_id, "revoke_reason": "",
         "created_at": now} for n, talent_id in enumerate(talent_ids[:5])])
    cards = db.session.execute(select(Card.id, Card.talent_id).order_by(Card.id)).all()
    units = {"medical": unit_named("县卫健局").id, "housing": unit_named("县住建局").id}
    db.session.execute(insert(Redemption), [
        {"card_id": cards[n % 5].id, "talent_id": cards[n % 5].talent_id, "kind": kind,
         "unit_id": units[kind], "clerk_id": None, "redeemed_on": date(2025 + n % 2, 1 + n % 12, 1),
         "note": "", "repeat_reason": "", "created_at": now}
        for n in range(30) for kind in ("medical", "housing")[: 1 + n % 2]])


def test_service_and_benefit_figures_are_filled_for_rows_already_there(empty_database):
    """The service-figures and benefit-figures migrations on a database holding requests in every
    state and redemptions: the per-day counters equal the grouping over those requests, the
    statistics equal the old per-view grouping, the indexes only that grouping read are gone and
    the downgrade puts them back; the 待遇兑现 counters equal the grouping over the redemptions."""
    import random
    from datetime import date

    from sqlalchemy import insert, select

    from benchmarks.services import request_rows
    from talent.benefits import figures as benefit_figures
    from talent.benefits import operations as benefits
    from talent.reference import seed_reference
    from talent.registry.models import Talent
    from talent.services import operations as services
    from talent.services.models import ServiceRequest
    from talent.services.operations import daily_figures

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=BEFORE_SERVICE_FIGURES)
        seed_reference()
        rows, _ = _plain_rows(20)
        for row in rows:
            row.pop("id")
            row["id_number_index"] = row["id_number"]
        db.session.execute(insert(Talent), rows)
        talent_ids = list(db.session.scalars(select(Talent.id)))
        today = date(2026, 12, 6)
        requests = request_rows(400, talent_ids, services.types(), today, random.Random(3), talent_ids[0])
        db.session.execute(insert(ServiceRequest), list(requests))  # Core: around the figures hook
        _redemptions(talent_ids)
        db.session.commit()
        upgrade()
        assert benefit_figures.counted() == benefit_figures.grouped()
        assert sum(times for times, _people in benefit_figures.counted().values()) == 45
        assert benefits.counts(2026) == benefits.counts(2026, grouped=True) != []
        assert daily_figures.counted() == daily_figures.grouped()
        assert sum(counts[0] for key, counts in daily_figures.counted().items() if key[0] == "month") == 400
        for start, end in ((date(2025, 1, 1), date(2025, 12, 31)), (date(2025, 7, 15), date(2026, 12, 6))):
            expected = services.figures(start, end, today, grouped=True)
            assert expected and services.figures(start, end, today) == expected
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("service_requests")}
        assert not {"ix_service_requests_filed", "ix_service_requests_completed"} & indexes
        db.session.remove()
        downgrade(revision=BEFORE_SERVICE_FIGURES)
        inspector = inspect(db.engine)
        new_tables = {"service_figures", "benefit_figures", "benefit_recipients"}
        assert not new_tables & set(inspector.get_table_names())
        assert {"ix_service_requests_filed", "ix_service_requests_completed"} <= {
            ix["name"] for ix in inspector.get_indexes("service_requests")}
        db.session.remove()
        db.engine.dispose()
