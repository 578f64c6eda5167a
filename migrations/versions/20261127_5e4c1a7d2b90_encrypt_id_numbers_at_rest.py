"""Encrypt ID numbers at rest (SM4-GCM) and find them through an HMAC-SM3 blind index

talents.id_number and commissioners.id_number become ciphertext (see talent/core/crypto.py),
and so does correction_requests.text (free text, often about the ID number itself); the numbers
each get an id_number_index column that carries what the plain column did: the unique
constraint on talents, the one-active-post partial index on commissioners.

The data pass reads and writes in batches of BATCH rows, in the migration's one transaction
(all or nothing). It needs the keys, so it runs in the app context Flask-Migrate provides:
``flask db upgrade`` with DATA_KEY/INDEX_KEY set (development: instance/). The downgrade
decrypts with the same keys.

Revision ID: 5e4c1a7d2b90
Revises: 9ae27bcbdc57
Create Date: 2026-11-27 01:30:00
"""
import sqlalchemy as sa
from alembic import op

from talent.core import crypto

revision = '5e4c1a7d2b90'
down_revision = '9ae27bcbdc57'
branch_labels = None
depends_on = None

BATCH = 500
TABLES = ("talents", "commissioners")
ACTIVE = sa.text("status = 'active'")


def _rows(table: str):
    return sa.table(table, sa.column("id", sa.Integer), sa.column("id_number", sa.String),
                    sa.column("id_number_index", sa.String))


def _batches(table: str):
    """(id, id_number) of every row holding one, BATCH at a time, in id order."""
    rows, connection, last = _rows(table), op.get_bind(), 0
    while True:
        batch = connection.execute(
            sa.select(rows.c.id, rows.c.id_number)
            .where(rows.c.id > last, rows.c.id_number.is_not(None))
            .order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            return
        yield batch
        last = batch[-1].id


def _write(table: str, values: list[dict]) -> None:
    if values:
        rows = _rows(table)
        op.get_bind().execute(
            sa.update(rows).where(rows.c.id == sa.bindparam("row_id"))
            .values(id_number=sa.bindparam("number"), id_number_index=sa.bindparam("index")),
            values)


def _encrypt(table: str) -> None:
    keys, context, seen = crypto.keyring(), f"{table}.id_number", {}
    for batch in _batches(table):
        values = []
        for row_id, number in batch:
            if crypto.is_encrypted(number):  # a run interrupted and started again
                continue
            if not number.strip():  # a commissioner saved with an empty box: no number at all
                values.append({"row_id": row_id, "number": None, "index": None})
                continue
            index = keys.blind_index(number)
            if table == "talents" and index in seen:
                raise RuntimeError(f"人才 {seen[index]} 与 {row_id} 的证件号码相同（仅全角/半角或大小写不同），"
                                   "请先合并这两条记录再升级")
            seen[index] = row_id
            values.append({"row_id": row_id, "number": keys.encrypt(number, context), "index": index})
        _write(table, values)


def _decrypt(table: str) -> None:
    keys, context = crypto.keyring(), f"{table}.id_number"
    for batch in _batches(table):
        _write(table, [{"row_id": row_id, "number": keys.decrypt(number, context), "index": None}
                       for row_id, number in batch if crypto.is_encrypted(number)])


def upgrade():
    op.drop_index("uq_commissioners_active_id_number", table_name="commissioners",
                  sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("id_number", type_=sa.String(length=128),
                                  existing_type=sa.String(length=30))
            batch_op.add_column(sa.Column("id_number_index", sa.String(length=64), nullable=True))
        _encrypt(table)
    with op.batch_alter_table("talents") as batch_op:
        batch_op.drop_constraint("uq_talents_id_number", type_="unique")
        batch_op.alter_column("id_number_index", nullable=False, existing_type=sa.String(length=64))
        batch_op.create_unique_constraint(batch_op.f("uq_talents_id_number_index"), ["id_number_index"])
    op.create_index("uq_commissioners_active_id_number", "commissioners", ["id_number_index"],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    _crypt_texts(upgrade=True)
    _redact_audited_texts()
    if op.get_bind().dialect.name == "postgresql":
        # UPDATE leaves the plain row versions behind until vacuumed: rewrite the tables now
        # (VACUUM cannot run in a transaction: what came before is committed first). SQLite
        # zeroes freed pages itself (secure_delete, set in migrations/env.py).
        with op.get_context().autocommit_block():
            op.execute("VACUUM FULL talents, commissioners, correction_requests, audit_entries")


# Free text a talent or a clerk writes about a correction, often the corrected ID number itself:
# (column, length before, length after: 4-byte UTF-8 characters, encrypted and base64-encoded).
TEXTS = (("text", 1000, 5400), ("reply", 500, 2800))


def _crypt_texts(upgrade: bool) -> None:
    rows = sa.table("correction_requests", sa.column("id", sa.Integer),
                    *(sa.column(name, sa.String) for name, _old, _new in TEXTS))
    connection, keys = op.get_bind(), crypto.keyring()
    if upgrade:
        with op.batch_alter_table("correction_requests") as batch_op:
            for name, old, new in TEXTS:
                batch_op.alter_column(name, type_=sa.String(length=new), existing_type=sa.String(length=old))
    last = 0
    while batch := connection.execute(sa.select(rows).where(rows.c.id > last)
                                      .order_by(rows.c.id).limit(BATCH)).all():
        for row in batch:
            values = {}
            for name, _old, _new in TEXTS:
                value, context = getattr(row, name), f"correction_requests.{name}"
                if value is not None and crypto.is_encrypted(value) != upgrade:
                    values[name] = keys.encrypt(value, context) if upgrade else keys.decrypt(value, context)
            if values:
                connection.execute(sa.update(rows).where(rows.c.id == row.id).values(values))
        last = batch[-1].id
    if not upgrade:
        with op.batch_alter_table("correction_requests") as batch_op:
            for name, old, new in TEXTS:
                batch_op.alter_column(name, type_=sa.String(length=old), existing_type=sa.String(length=new))


def _redact_audited_texts() -> None:
    """Until now the audit log kept a correction's text and reply in full; it is stored in clear,
    so those entries keep only the length from here on (not restored by a downgrade). On
    PostgreSQL the append-only trigger is lifted for this one statement batch, in this
    migration's transaction."""
    entries = sa.table("audit_entries", sa.column("id", sa.Integer), sa.column("object_type", sa.String),
                       sa.column("changes", sa.JSON))
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
    for entry_id, changes in connection.execute(
            sa.select(entries.c.id, entries.c.changes)
            .where(entries.c.object_type == "correction_requests")).all():
        redacted = dict(changes or {})
        for name, _old, _new in TEXTS:
            if name in redacted and isinstance(redacted[name], list):
                redacted[name] = [None if value is None else f"（{len(str(value))} 字，见更正申请）"
                                  for value in redacted[name]]
        if redacted != changes:
            connection.execute(sa.update(entries).where(entries.c.id == entry_id).values(changes=redacted))
    if postgresql:
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")


def downgrade():
    _crypt_texts(upgrade=False)
    op.drop_index("uq_commissioners_active_id_number", table_name="commissioners",
                  sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    with op.batch_alter_table("talents") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_talents_id_number_index"), type_="unique")
        batch_op.alter_column("id_number_index", nullable=True, existing_type=sa.String(length=64))
    for table in TABLES:
        _decrypt(table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("id_number_index")
            batch_op.alter_column("id_number", type_=sa.String(length=30),
                                  existing_type=sa.String(length=128))
    with op.batch_alter_table("talents") as batch_op:
        batch_op.create_unique_constraint("uq_talents_id_number", ["id_number"])
    op.create_index("uq_commissioners_active_id_number", "commissioners", ["id_number"],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
