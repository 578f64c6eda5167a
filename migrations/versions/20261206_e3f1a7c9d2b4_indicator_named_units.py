"""Tasks: units named on a goal or 工作任务 indicator as ones that may report it (县统计局 …)

Revision ID: e3f1a7c9d2b4
Revises: 2319ea599739
Create Date: 2026-12-06 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e3f1a7c9d2b4'
down_revision = '2319ea599739'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_indicator_units',
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['task_indicators.id'],
                                name=op.f('fk_task_indicator_units_indicator_id_task_indicators'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_task_indicator_units_unit_id_units')),
        sa.PrimaryKeyConstraint('indicator_id', 'unit_id', name=op.f('pk_task_indicator_units')),
    )
    op.create_index(op.f('ix_task_indicator_units_unit_id'), 'task_indicator_units', ['unit_id'])


def downgrade():
    op.drop_index(op.f('ix_task_indicator_units_unit_id'), table_name='task_indicator_units')
    op.drop_table('task_indicator_units')
