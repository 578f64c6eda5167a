"""The Alembic migrations build exactly the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from talent.extensions import db
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
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        db.engine.dispose()
