"""registry: 外国人永久居留身份证 and 港澳台居民居住证 as talents' ID types

Widens talents.id_type (26 characters: foreign_permanent_resident) and its check;
on SQLite the batch copy of ``talents`` drops the search triggers of b7e1c2d4a9f0, which are
created again here (the FTS tables keep their rows: the ids do not change); the numbers are encrypted and blind-indexed like the others.

Revision ID: b81f4c2d9e37
Revises: a7c3e91f2b10
Create Date: 2026-12-05 20:40:00

"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = 'b81f4c2d9e37'
down_revision = 'a7c3e91f2b10'
branch_labels = None
depends_on = None

WIDE = "id_type IN ('resident_id', 'passport', 'foreign_permanent_resident', 'hmt_residence_permit')"
NARROW = "id_type IN ('resident_id', 'passport')"


def _search_triggers_again() -> None:
    """The search migration's SQLite triggers, from that file (one definition of them)."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    path = Path(__file__).with_name('20261205_b7e1c2d4a9f0_search_indexes.py')
    spec = importlib.util.spec_from_file_location('search_indexes_migration', path)
    search = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search)
    for statement in search.SQLITE:
        if statement.startswith('CREATE TRIGGER'):
            op.execute(statement)


def upgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_talents_id_type'), type_='check')
        batch_op.alter_column('id_type', existing_type=sa.String(length=20), type_=sa.String(length=30),
                              existing_nullable=False)
        batch_op.create_check_constraint('id_type', WIDE)
    _search_triggers_again()


def downgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_talents_id_type'), type_='check')
        batch_op.alter_column('id_type', existing_type=sa.String(length=30), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.create_check_constraint('id_type', NARROW)
    _search_triggers_again()
