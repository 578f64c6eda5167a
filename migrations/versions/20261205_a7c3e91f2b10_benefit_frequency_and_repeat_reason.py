"""benefits: how often a tier benefit may be given; why a repeat within its period went on

tier_benefits.frequency (once / yearly / unlimited) — existing rows get the county's defaults
by kind; redemptions.repeat_reason — the clerk's reason for a repeat within the period.

Revision ID: a7c3e91f2b10
Revises: 0ed982a0e41a
Create Date: 2026-12-05 20:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c3e91f2b10'
down_revision = '0ed982a0e41a'
branch_labels = None
depends_on = None

DEFAULTS = {"housing": "once", "medical": "yearly", "education": "yearly"}


def upgrade():
    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frequency', sa.String(length=10), server_default='unlimited',
                                      nullable=False))
    benefits = sa.table('tier_benefits', sa.column('kind', sa.String), sa.column('frequency', sa.String))
    for kind, frequency in DEFAULTS.items():
        op.execute(benefits.update().where(benefits.c.kind == kind).values(frequency=frequency))
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_reason', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_column('repeat_reason')
    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.drop_column('frequency')
