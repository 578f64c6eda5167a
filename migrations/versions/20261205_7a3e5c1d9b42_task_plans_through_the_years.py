"""Task plans through the years: a plan's status and final evaluation, items' final outcome,
indicators' aggregation (sum / single) and cumulation, and one confirmed figure per unit

task_indicator_figures gains unit_id: each unit's figure is its own part, so the unique key
becomes (indicator, period, unit). Existing figures take the unit of the report they came
from (or the plan's office when the report is gone).

Revision ID: 7a3e5c1d9b42
Revises: 1ccb71e4b25e
Create Date: 2026-12-05 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7a3e5c1d9b42'
down_revision = '1ccb71e4b25e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task_plans') as batch:
        batch.add_column(sa.Column('status', sa.String(length=10), server_default='active', nullable=False))
        batch.add_column(sa.Column('final_evaluation', sa.Text(), server_default='', nullable=False))
        batch.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_task_plans_closed_by_id_users', 'users', ['closed_by_id'], ['id'])
        batch.create_check_constraint(op.f('ck_task_plans_status'), "status IN ('active', 'closed')")
        batch.create_check_constraint(op.f('ck_task_plans_period_order'), 'ends_on >= starts_on')
    with op.batch_alter_table('task_items') as batch:
        batch.add_column(sa.Column('outcome', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('outcome_note', sa.Text(), server_default='', nullable=False))
        batch.create_check_constraint(op.f('ck_task_items_outcome'), "outcome IS NULL OR outcome IN ('done', 'missed')")
    with op.batch_alter_table('task_indicators') as batch:
        batch.add_column(sa.Column('aggregation', sa.String(length=10), server_default='single',
                                   nullable=False))
        batch.add_column(sa.Column('cumulative', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.create_check_constraint(op.f('ck_task_indicators_aggregation'), "aggregation IN ('sum', 'single')")
    # The seed plan runs 2023-01-01 → 2025-12-31 (its 1.x items end then); it was stored as 2023 only.
    op.execute("UPDATE task_plans SET ends_on = '2025-12-31' "
               "WHERE name = '双牌县打好科技创新攻坚仗工作方案' AND ends_on = '2023-12-31'")
    with op.batch_alter_table('task_indicator_figures') as batch:
        batch.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('note', sa.String(length=500), server_default='', nullable=False))
        batch.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
    op.execute("""
        UPDATE task_indicator_figures SET unit_id = COALESCE(
            (SELECT r.unit_id FROM task_reports r WHERE r.id = task_indicator_figures.report_id),
            (SELECT p.office_unit_id FROM task_indicators i JOIN task_plans p ON p.id = i.plan_id
              WHERE i.id = task_indicator_figures.indicator_id))
    """)
    with op.batch_alter_table('task_indicator_figures') as batch:
        batch.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint('uq_task_figures_period', type_='unique')
        batch.create_unique_constraint('uq_task_figures_unit_period', ['indicator_id', 'period', 'unit_id'])
        batch.create_foreign_key('fk_task_indicator_figures_unit_id_units', 'units', ['unit_id'], ['id'])
        batch.create_foreign_key('fk_task_indicator_figures_entered_by_id_users', 'users',
                                 ['entered_by_id'], ['id'])
        batch.create_index('ix_task_indicator_figures_unit_id', ['unit_id'])


def downgrade():
    # Keep one figure per indicator and period (the latest confirmed) before restoring the old key.
    op.execute("""
        DELETE FROM task_indicator_figures WHERE id NOT IN (
            SELECT MAX(id) FROM task_indicator_figures GROUP BY indicator_id, period)
    """)
    with op.batch_alter_table('task_indicator_figures') as batch:
        batch.drop_index('ix_task_indicator_figures_unit_id')
        batch.drop_constraint('fk_task_indicator_figures_entered_by_id_users', type_='foreignkey')
        batch.drop_constraint('fk_task_indicator_figures_unit_id_units', type_='foreignkey')
        batch.drop_constraint('uq_task_figures_unit_period', type_='unique')
        batch.create_unique_constraint('uq_task_figures_period', ['indicator_id', 'period'])
        batch.drop_column('entered_by_id')
        batch.drop_column('note')
        batch.drop_column('unit_id')
    with op.batch_alter_table('task_indicators') as batch:
        batch.drop_constraint(op.f('ck_task_indicators_aggregation'), type_='check')
        batch.drop_column('cumulative')
        batch.drop_column('aggregation')
    with op.batch_alter_table('task_items') as batch:
        batch.drop_constraint(op.f('ck_task_items_outcome'), type_='check')
        batch.drop_column('outcome_note')
        batch.drop_column('outcome')
    with op.batch_alter_table('task_plans') as batch:
        batch.drop_constraint(op.f('ck_task_plans_period_order'), type_='check')
        batch.drop_constraint(op.f('ck_task_plans_status'), type_='check')
        batch.drop_constraint('fk_task_plans_closed_by_id_users', type_='foreignkey')
        batch.drop_column('closed_by_id')
        batch.drop_column('closed_at')
        batch.drop_column('final_evaluation')
        batch.drop_column('status')
