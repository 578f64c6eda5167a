"""registry: 外国人永久居留身份证 and 港澳台居民居住证 as talents' ID types

Widens talents.id_type (26 characters: foreign_permanent_resident) and its check; the numbers are encrypted and blind-indexed like the others.

Revision ID: b81f4c2d9e37
Revises: a7c3e91f2b10
Create Date: 2026-12-05 20:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b81f4c2d9e37'
down_revision = 'a7c3e91f2b10'
branch_labels = None
depends_on = None

WIDE = "id_type IN ('resident_id', 'passport', 'foreign_permanent_resident', 'hmt_residence_permit')"
NARROW = "id_type IN ('resident_id', 'passport')"


def upgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_talents_id_type'), type_='check')
        batch_op.alter_column('id_type', existing_type=sa.String(length=20), type_=sa.String(length=30),
                              existing_nullable=False)
        batch_op.create_check_constraint('id_type', WIDE)


def downgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_talents_id_type'), type_='check')
        batch_op.alter_column('id_type', existing_type=sa.String(length=30), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.create_check_constraint('id_type', NARROW)
