"""Tasks: stored figures of computed indicators, refreshed by the worker (task_metric_figures)

Revision ID: f6a2c8e41b37
Revises: e3f1a7c9d2b4
Create Date: 2026-12-06 02:30:00

A new, empty table: nothing to fill (the first page view or worker round computes each figure)
and no lock on an existing table, so it is online-safe as it stands.
"""
import sqlalchemy as sa
from alembic import op

revision = 'f6a2c8e41b37'
down_revision = 'e3f1a7c9d2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_metric_figures',
        sa.Column('metric_key', sa.String(length=100), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('metric_key', 'year', name=op.f('pk_task_metric_figures')),
    )


def downgrade():
    op.drop_table('task_metric_figures')
