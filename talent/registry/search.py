"""Searching talents by name, employer or phone through an index, on both engines.

A search of 3 characters or more is a substring search answered by a trigram index:
``pg_trgm`` GIN indexes on PostgreSQL (the planner uses them for ``LIKE '%…%'``), an FTS5
``trigram`` table on SQLite (``talents_search``, an external-content table kept in step with
``talents`` by triggers).

Trigrams cannot answer 1 or 2 characters — a lone surname such as ``李``, a two-character name
such as ``李明``, an employer asked for as ``医院``. Those are answered, still as substrings,
through a *gram* index: every 1- and 2-character piece of name, employer and phone.
On PostgreSQL a GIN index on the expression ``talent_grams(name || chr(1) || employer ||
chr(1) || phone)`` (an immutable SQL function; chr(1) keeps pieces from spanning two
fields); on SQLite an FTS5 table ``talents_grams`` holding those pieces as words, filled by
triggers. Either way the exact ``LIKE`` is applied to what the index found, so the answer is
the same as a scan's (benchmarks/README.md has the figures that chose this over a prefix
search, which would not find 昊利 in 湖南昊利科技有限公司).

The ID number is encrypted and found through its blind index (``Talent.id_number_is``); that
path is not here.

The DDL lives here for ``create_all`` (tests, ``flask init-db``); the migration
``20261205_…_search_indexes`` carries its own copy, as migrations do.
"""
from sqlalchemy import ARRAY, Text, bindparam, event, or_, select, text

from talent.extensions import db
from talent.registry.models import Talent

TRIGRAM = 3  # characters a trigram index needs

SEARCH_TABLE = "talents_search"  # SQLite, FTS5 trigram
GRAMS_TABLE = "talents_grams"  # SQLite, FTS5 of 1- and 2-character pieces
POSITIONS_TABLE = "talents_grams_positions"  # SQLite, 1..172: where the pieces start
TRIGRAM_INDEXES = {"ix_talents_name_trgm": "name", "ix_talents_employer_trgm": "employer",
                   "ix_talents_phone_trgm": "phone"}
GRAMS_INDEX = "ix_talents_grams"  # PostgreSQL
GRAMS_OF = "talent_grams(name || chr(1) || employer || chr(1) || phone)"

# Every 1- and 2-character piece of the three fields joined by chr(1) (at most 50 + 100 + 20
# characters and two separators), as words for FTS5. (DISTINCT cost twice the time, to no gain.)
_POSITIONS = "[" + ",".join(str(i) for i in range(1, 173)) + "]"


def _sqlite_grams_of(row: str) -> str:
    joined = f"{row}.name || char(1) || {row}.employer || char(1) || {row}.phone"
    # Positions from a table of 1..172 (its key bounds the loop to the text's length); pieces
    # holding the separator become two words for unicode61, both pieces of the fields anyway.
    return (f"SELECT group_concat(piece, ' ') FROM ("
            f"SELECT substr(s.v, g.p, 1) AS piece FROM (SELECT {joined} AS v) s, talents_grams_positions g "
            f"WHERE g.p <= length(s.v) UNION ALL "
            f"SELECT substr(s.v, g.p, 2) FROM (SELECT {joined} AS v) s, talents_grams_positions g "
            f"WHERE g.p < length(s.v))")


SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    f"name, employer, phone, content='talents', content_rowid='id', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {GRAMS_TABLE} USING fts5(grams, tokenize='unicode61')",
    f"CREATE TABLE IF NOT EXISTS {POSITIONS_TABLE} (p INTEGER PRIMARY KEY)",
    f"INSERT OR IGNORE INTO {POSITIONS_TABLE}(p) SELECT value FROM json_each('{_POSITIONS}')",
    f"CREATE TRIGGER IF NOT EXISTS talents_search_insert AFTER INSERT ON talents BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, employer, phone) "
    f"VALUES (new.id, new.name, new.employer, new.phone); "
    f"INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (new.id, ({_sqlite_grams_of('new')})); END",
    f"CREATE TRIGGER IF NOT EXISTS talents_search_delete AFTER DELETE ON talents BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name, employer, phone) "
    f"VALUES ('delete', old.id, old.name, old.employer, old.phone); "
    f"DELETE FROM {GRAMS_TABLE} WHERE rowid = old.id; END",
    f"CREATE TRIGGER IF NOT EXISTS talents_search_update AFTER UPDATE OF name, employer, phone "
    f"ON talents BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name, employer, phone) "
    f"VALUES ('delete', old.id, old.name, old.employer, old.phone); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, employer, phone) "
    f"VALUES (new.id, new.name, new.employer, new.phone); "
    f"UPDATE {GRAMS_TABLE} SET grams = ({_sqlite_grams_of('new')}) WHERE rowid = new.id; END",
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')",
    f"INSERT INTO {GRAMS_TABLE}(rowid, grams) SELECT t.id, ({_sqlite_grams_of('t')}) FROM talents t",
]

POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION talent_grams(value text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT substr(value, i, n)), '{}') "
    "FROM generate_series(1, length(value)) i, generate_series(1, 2) n "
    "WHERE i + n - 1 <= length(value) AND strpos(substr(value, i, n), chr(1)) = 0 $$")

POSTGRESQL_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    POSTGRESQL_FUNCTION,
    *(f"CREATE INDEX IF NOT EXISTS {index} ON talents USING gin ({column} gin_trgm_ops)"
      for index, column in TRIGRAM_INDEXES.items()),
    f"CREATE INDEX IF NOT EXISTS {GRAMS_INDEX} ON talents USING gin (({GRAMS_OF}))",
]


def _create_search_objects(target, connection, **kw) -> None:
    for statement in {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def _drop_search_objects(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for table in (SEARCH_TABLE, GRAMS_TABLE, POSITIONS_TABLE):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


event.listen(Talent.__table__, "after_create", _create_search_objects)
event.listen(Talent.__table__, "before_drop", _drop_search_objects)


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object`` for the models == migrations comparison (and autogenerate):
    leaves out the search objects kept here, outside the models."""
    if type_ == "table" and name and name.startswith((SEARCH_TABLE, GRAMS_TABLE)):
        return False
    return not (type_ == "index" and name in (*TRIGRAM_INDEXES, GRAMS_INDEX))


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _exact(q: str, phone: str):
    return or_(Talent.name.contains(q, autoescape=True), Talent.employer.contains(q, autoescape=True),
               Talent.phone.contains(phone, autoescape=True))


def _sqlite_candidates(q: str, phone: str):
    """Ids that the FTS5 tables say may match, or None where they cannot tell."""
    long_q, long_phone = len(q) >= TRIGRAM, len(phone) >= TRIGRAM
    if long_q and long_phone:
        table = SEARCH_TABLE
        expression = f"{{name employer}} : {_fts_phrase(q)} OR phone : {_fts_phrase(phone)}"
    elif not long_q and not long_phone:
        if not any(c.isalnum() for c in q + phone):
            return None  # unicode61 keeps no word of it: only a scan can tell
        table, expression = GRAMS_TABLE, f"{_fts_phrase(q)} OR {_fts_phrase(phone)}"
    else:
        return None  # "1 2 3"-like (long, but its digits short): rare, scanned
    return Talent.id.in_(select(text("rowid")).select_from(text(table)).where(
        text(f"{table} MATCH :expression").bindparams(expression=expression)))


def text_matches(q: str, phone: str, counting: bool = False):
    """Where name or employer holds ``q``, or phone holds ``phone`` (the digits of ``q``).

    ``counting``: the condition for counting the rows rather than listing a page of them (see
    the short case below)."""
    exact = _exact(q, phone)
    if db.session.get_bind().dialect.name == "sqlite":
        candidates = _sqlite_candidates(q, phone)
        return exact if candidates is None else candidates & exact
    if len(q) >= TRIGRAM and len(phone) >= TRIGRAM:
        return exact  # the planner ORs the three trigram indexes
    grams = bindparam("grams", [g for g in (q, phone) if len(g) < TRIGRAM], type_=ARRAY(Text))
    # The same expression as the index's, or the planner cannot use it.
    short = text("talent_grams(talents.name || chr(1) || talents.employer || chr(1) || talents.phone) "
                 "&& :grams").bindparams(grams)
    if len(q) >= TRIGRAM:  # "1 2 3"-like: a long query whose digits are short
        return Talent.name.contains(q, autoescape=True) | Talent.employer.contains(q, autoescape=True) | \
            (short & Talent.phone.contains(phone, autoescape=True))
    if counting and phone == q:
        # The pieces are exact for 1 or 2 characters: a field holds q exactly when q is one of
        # its pieces (none spans two fields; the three columns are NOT NULL), so for a count
        # the LIKE adds nothing but its cost — at 1,000,000 talents, counting 10,001 rows of 李
        # took 33 ms with it and 14 ms without. A page keeps it: it is what tells the planner a
        # miss finds few rows; without it the planner walked the key backwards for 20 rows of
        # 鑫淼, computing every talent's pieces (seconds), instead of asking the index.
        return short
    return short & exact  # (the digits of a query are never longer than the query)
