"""Graded 督办: a number (督办〔YYYY〕N号, per-year counter), a grade (blue/yellow/red), the unit's
责任人, 签收 (acknowledged within one working day) and the date a late reply escalated it

Revision ID: c4a9e7d15f30
Revises: b81f04c2d7e6
Create Date: 2026-12-05 20:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4a9e7d15f30'
down_revision = 'b81f04c2d7e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'task_directive_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_task_directive_counters')))
    with op.batch_alter_table('task_directives') as batch:
        batch.add_column(sa.Column('number', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('grade', sa.String(length=10), server_default='yellow', nullable=False))
        batch.add_column(sa.Column('responsible_person', sa.String(length=40), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('acknowledge_by', sa.Date(), nullable=True))
        batch.add_column(sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('escalated_on', sa.Date(), nullable=True))
        batch.create_unique_constraint(op.f('uq_task_directives_number'), ['number'])
        batch.create_foreign_key(op.f('fk_task_directives_acknowledged_by_id_users'), 'users',
                                 ['acknowledged_by_id'], ['id'])
        batch.create_check_constraint(op.f('ck_task_directives_grade'), "grade IN ('blue', 'yellow', 'red')")


def downgrade():
    with op.batch_alter_table('task_directives') as batch:
        batch.drop_constraint(op.f('ck_task_directives_grade'), type_='check')
        batch.drop_constraint(op.f('fk_task_directives_acknowledged_by_id_users'), type_='foreignkey')
        batch.drop_constraint(op.f('uq_task_directives_number'), type_='unique')
        batch.drop_column('escalated_on')
        batch.drop_column('acknowledged_by_id')
        batch.drop_column('acknowledged_at')
        batch.drop_column('acknowledge_by')
        batch.drop_column('responsible_person')
        batch.drop_column('grade')
        batch.drop_column('number')
    op.drop_table('task_directive_counters')
