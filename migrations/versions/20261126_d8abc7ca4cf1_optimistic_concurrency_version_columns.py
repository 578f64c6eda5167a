"""optimistic concurrency: version columns

A ``version`` per editable row (talents, teams, tier benefits, users), checked and bumped by
SQLAlchemy's ``version_id_col`` on every UPDATE, so a stale form or PATCH is refused instead
of silently undoing someone else's change. Existing rows start at 1.

Revision ID: d8abc7ca4cf1
Revises: d9ddc9332881
Create Date: 2026-11-26 22:26:38.504364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8abc7ca4cf1'
down_revision = 'd9ddc9332881'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_column('version')

