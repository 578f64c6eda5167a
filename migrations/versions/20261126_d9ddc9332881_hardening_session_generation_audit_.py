"""hardening: session generation, audit client address, append-only audit log

- ``users.session_generation``: part of every session cookie; raised when a password is changed
  or reset, an account disabled, or 退出所有设备 used, so older cookies stop working.
- ``audit_entries.client``: the client address of the request behind each entry.
- entries already written keep ID numbers as the first three and last two characters and birth
  dates as the year only, the mask the log uses from now on.
- PostgreSQL: a trigger refuses UPDATE and DELETE on ``audit_entries`` (append-only).

Revision ID: d9ddc9332881
Revises: d37828e666bd
Create Date: 2026-11-26 22:07:40.916808

"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'd9ddc9332881'
down_revision = 'd37828e666bd'
branch_labels = None
depends_on = None

APPEND_ONLY = (
    """CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_entries is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
)


def _short_id(value):
    if not isinstance(value, str) or len(value) <= 7:
        return value
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def _year(value):
    return value[:4] if isinstance(value, str) and len(value) >= 4 else value


def _remask_existing_entries():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, changes FROM audit_entries WHERE CAST(changes AS TEXT) LIKE '%id_number%' "
        "OR CAST(changes AS TEXT) LIKE '%birth_date%'")).all()
    for entry_id, changes in rows:
        if isinstance(changes, str):
            changes = json.loads(changes)
        if not isinstance(changes, dict):
            continue
        for field, mask in (("id_number", _short_id), ("birth_date", _year)):
            if isinstance(changes.get(field), list):
                changes[field] = [mask(v) for v in changes[field]]
        connection.execute(sa.text("UPDATE audit_entries SET changes = :changes WHERE id = :id"),
                           {"changes": json.dumps(changes, ensure_ascii=False), "id": entry_id})


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=64), server_default='', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))

    _remask_existing_entries()
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('client')
