"""search indexes: pg_trgm and 1-2 character GIN indexes on PostgreSQL, FTS5 tables on SQLite

Online-safe on PostgreSQL: the indexes are built with CREATE INDEX CONCURRENTLY, outside the
migration's transaction (Alembic's autocommit_block), so talents stay writable while a
million rows are indexed. A concurrent build that failed leaves an INVALID index behind;
it is dropped and built again. On SQLite the FTS5 table is filled from the rows already
there ('rebuild') and kept in step by triggers from then on.

NOTE for later migrations: a SQLite "batch" alteration of ``talents`` copies the table and
drops the old one, and its triggers with it; re-run this file's SQLITE statements after one
(tests/registry/test_search.py checks the triggers exist at head).

Revision ID: b7e1c2d4a9f0
Revises: d5b2f8a04c61
Create Date: 2026-12-05 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e1c2d4a9f0'
down_revision = 'd5b2f8a04c61'
branch_labels = None
depends_on = None

TRIGRAM = {'ix_talents_name_trgm': 'name gin_trgm_ops', 'ix_talents_employer_trgm': 'employer gin_trgm_ops',
           'ix_talents_phone_trgm': 'phone gin_trgm_ops',
           # 1- and 2-character pieces of the three fields (a trigram cannot answer those)
           'ix_talents_grams': '(talent_grams(name || chr(1) || employer || chr(1) || phone))'}

GRAMS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION talent_grams(value text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT substr(value, i, n)), '{}') "
    "FROM generate_series(1, length(value)) i, generate_series(1, 2) n "
    "WHERE i + n - 1 <= length(value) AND strpos(substr(value, i, n), chr(1)) = 0 $$")

POSITIONS = "[" + ",".join(str(i) for i in range(1, 173)) + "]"


def _grams_of(row):
    joined = f"{row}.name || char(1) || {row}.employer || char(1) || {row}.phone"
    # Positions from a table of 1..172 (its key bounds the loop to the text's length); pieces
    # holding the separator become two words for unicode61, both pieces of the fields anyway.
    return (f"SELECT group_concat(piece, ' ') FROM ("
            f"SELECT substr(s.v, g.p, 1) AS piece FROM (SELECT {joined} AS v) s, talents_grams_positions g "
            f"WHERE g.p <= length(s.v) UNION ALL "
            f"SELECT substr(s.v, g.p, 2) FROM (SELECT {joined} AS v) s, talents_grams_positions g "
            f"WHERE g.p < length(s.v))")


SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS talents_search USING fts5("
    "name, employer, phone, content='talents', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS talents_grams USING fts5(grams, tokenize='unicode61')",
    "CREATE TABLE IF NOT EXISTS talents_grams_positions (p INTEGER PRIMARY KEY)",
    f"INSERT OR IGNORE INTO talents_grams_positions(p) SELECT value FROM json_each('{POSITIONS}')",
    "CREATE TRIGGER IF NOT EXISTS talents_search_insert AFTER INSERT ON talents BEGIN "
    "INSERT INTO talents_search(rowid, name, employer, phone) "
    "VALUES (new.id, new.name, new.employer, new.phone); "
    f"INSERT INTO talents_grams(rowid, grams) VALUES (new.id, ({_grams_of('new')})); END",
    "CREATE TRIGGER IF NOT EXISTS talents_search_delete AFTER DELETE ON talents BEGIN "
    "INSERT INTO talents_search(talents_search, rowid, name, employer, phone) "
    "VALUES ('delete', old.id, old.name, old.employer, old.phone); "
    "DELETE FROM talents_grams WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS talents_search_update AFTER UPDATE OF name, employer, phone "
    "ON talents BEGIN "
    "INSERT INTO talents_search(talents_search, rowid, name, employer, phone) "
    "VALUES ('delete', old.id, old.name, old.employer, old.phone); "
    "INSERT INTO talents_search(rowid, name, employer, phone) "
    "VALUES (new.id, new.name, new.employer, new.phone); "
    f"UPDATE talents_grams SET grams = ({_grams_of('new')}) WHERE rowid = new.id; END",
    "INSERT INTO talents_search(talents_search) VALUES ('rebuild')",
    f"INSERT INTO talents_grams(rowid, grams) SELECT t.id, ({_grams_of('t')}) FROM talents t",
]


def _invalid(name):
    """True when an earlier concurrent build of ``name`` failed half-way."""
    return op.get_bind().exec_driver_sql(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        f"WHERE c.relname = '{name}' AND NOT i.indisvalid").first() is not None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(GRAMS_FUNCTION)
    with op.get_context().autocommit_block():
        for name, what in TRIGRAM.items():
            if _invalid(name):
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON talents USING gin ({what})")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS talents_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS talents_search")
        op.execute("DROP TABLE IF EXISTS talents_grams")
        op.execute("DROP TABLE IF EXISTS talents_grams_positions")
        return
    with op.get_context().autocommit_block():
        for name in TRIGRAM:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS talent_grams(text)")
    # pg_trgm stays: other databases' objects on the server may use it, and it holds no data.
