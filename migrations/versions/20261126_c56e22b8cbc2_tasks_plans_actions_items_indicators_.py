"""tasks: plans, actions, items, indicators, reports, attachments, lights, directives

Revision ID: c56e22b8cbc2
Revises: 4d99cb9d28ac
Create Date: 2026-11-26 22:28:58.756621

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c56e22b8cbc2'
down_revision = '4d99cb9d28ac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('convener', sa.String(length=200), nullable=False),
    sa.Column('deputy_conveners', sa.String(length=300), nullable=False),
    sa.Column('office_unit_id', sa.Integer(), nullable=False),
    sa.Column('safeguards', sa.Text(), nullable=False),
    sa.Column('tolerance', sa.Integer(), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['copied_from_id'], ['task_plans.id'], name=op.f('fk_task_plans_copied_from_id_task_plans')),
    sa.ForeignKeyConstraint(['office_unit_id'], ['units.id'], name=op.f('fk_task_plans_office_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_plans')),
    sa.UniqueConstraint('name', name=op.f('uq_task_plans_name'))
    )
    op.create_table('task_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('numeral', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['task_plans.id'], name=op.f('fk_task_actions_plan_id_task_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_actions')),
    sa.UniqueConstraint('plan_id', 'position', name='uq_task_actions_position')
    )
    with op.batch_alter_table('task_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_actions_plan_id'), ['plan_id'], unique=False)

    op.create_table('task_plan_members',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['task_plans.id'], name=op.f('fk_task_plan_members_plan_id_task_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_task_plan_members_unit_id_units')),
    sa.PrimaryKeyConstraint('plan_id', 'unit_id', name=op.f('pk_task_plan_members'))
    )
    op.create_table('task_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('done_evidence', sa.Text(), nullable=False),
    sa.Column('done_requested_at', sa.DateTime(), nullable=True),
    sa.Column('done_requested_by_id', sa.Integer(), nullable=True),
    sa.Column('done_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('done_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('light', sa.String(length=10), nullable=False),
    sa.CheckConstraint("light IN ('green', 'yellow', 'red', 'done')", name=op.f('ck_task_items_light')),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name=op.f('ck_task_items_status')),
    sa.ForeignKeyConstraint(['action_id'], ['task_actions.id'], name=op.f('fk_task_items_action_id_task_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_accepted_by_id'], ['users.id'], name=op.f('fk_task_items_done_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['done_requested_by_id'], ['users.id'], name=op.f('fk_task_items_done_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_items')),
    sa.UniqueConstraint('action_id', 'code', name='uq_task_items_code')
    )
    with op.batch_alter_table('task_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_items_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_items_deadline'), ['deadline'], unique=False)

    op.create_table('task_directives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'replied', 'closed')", name=op.f('ck_task_directives_status')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_task_directives_issued_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['task_items.id'], name=op.f('fk_task_directives_item_id_task_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_task_directives_replied_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_task_directives_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_directives'))
    )
    with op.batch_alter_table('task_directives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_directives_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_directives_unit_id'), ['unit_id'], unique=False)

    op.create_table('task_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('measure', sa.String(length=10), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('comparison', sa.String(length=10), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('level_measure', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('metric_key', sa.String(length=80), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('actual', sa.Float(), nullable=True),
    sa.Column('actual_period', sa.String(length=7), nullable=True),
    sa.Column('light', sa.String(length=10), nullable=False),
    sa.CheckConstraint("comparison IN ('at_least', 'about')", name=op.f('ck_task_indicators_comparison')),
    sa.CheckConstraint("light IN ('green', 'yellow', 'red', 'done')", name=op.f('ck_task_indicators_light')),
    sa.CheckConstraint("scope IN ('goal', 'action', 'item')", name=op.f('ck_task_indicators_scope')),
    sa.CheckConstraint("source != 'computed' OR metric_key IS NOT NULL", name=op.f('ck_task_indicators_computed_has_key')),
    sa.CheckConstraint("source IN ('reported', 'computed')", name=op.f('ck_task_indicators_source')),
    sa.ForeignKeyConstraint(['action_id'], ['task_actions.id'], name=op.f('fk_task_indicators_action_id_task_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['task_items.id'], name=op.f('fk_task_indicators_item_id_task_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['task_plans.id'], name=op.f('fk_task_indicators_plan_id_task_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_indicators'))
    )
    with op.batch_alter_table('task_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_indicators_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_indicators_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_indicators_plan_id'), ['plan_id'], unique=False)

    op.create_table('task_item_units',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('lead', 'responsible')", name=op.f('ck_task_item_units_role')),
    sa.ForeignKeyConstraint(['item_id'], ['task_items.id'], name=op.f('fk_task_item_units_item_id_task_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_task_item_units_unit_id_units')),
    sa.PrimaryKeyConstraint('item_id', 'unit_id', name=op.f('pk_task_item_units'))
    )
    with op.batch_alter_table('task_item_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_item_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('task_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('review_comment', sa.String(length=500), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("period LIKE '____-__'", name=op.f('ck_task_reports_period_format')),
    sa.CheckConstraint("status IN ('submitted', 'confirmed', 'returned')", name=op.f('ck_task_reports_status')),
    sa.ForeignKeyConstraint(['item_id'], ['task_items.id'], name=op.f('fk_task_reports_item_id_task_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_task_reports_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_task_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_task_reports_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_reports')),
    sa.UniqueConstraint('item_id', 'unit_id', 'period', name='uq_task_reports_unit_period')
    )
    with op.batch_alter_table('task_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_reports_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_task_reports_period', ['period', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_reports_unit_id'), ['unit_id'], unique=False)

    op.create_table('task_indicator_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['task_indicators.id'], name=op.f('fk_task_indicator_figures_indicator_id_task_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['task_reports.id'], name=op.f('fk_task_indicator_figures_report_id_task_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_indicator_figures')),
    sa.UniqueConstraint('indicator_id', 'period', name='uq_task_figures_period')
    )
    op.create_table('task_light_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('light', sa.String(length=10), nullable=False),
    sa.Column('previous', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("light IN ('green', 'yellow', 'red', 'done')", name=op.f('ck_task_light_changes_light')),
    sa.CheckConstraint('(item_id IS NULL) != (indicator_id IS NULL)', name=op.f('ck_task_light_changes_one_subject')),
    sa.ForeignKeyConstraint(['indicator_id'], ['task_indicators.id'], name=op.f('fk_task_light_changes_indicator_id_task_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['task_items.id'], name=op.f('fk_task_light_changes_item_id_task_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_light_changes'))
    )
    with op.batch_alter_table('task_light_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_light_changes_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_light_changes_item_id'), ['item_id'], unique=False)

    op.create_table('task_report_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['task_reports.id'], name=op.f('fk_task_report_attachments_report_id_task_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_task_report_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_report_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_task_report_attachments_stored_name'))
    )
    with op.batch_alter_table('task_report_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_report_attachments_report_id'), ['report_id'], unique=False)

    op.create_table('task_report_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['task_indicators.id'], name=op.f('fk_task_report_values_indicator_id_task_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['task_reports.id'], name=op.f('fk_task_report_values_report_id_task_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_report_values')),
    sa.UniqueConstraint('report_id', 'indicator_id', name='uq_task_report_values')
    )
    with op.batch_alter_table('task_report_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_report_values_indicator_id'), ['indicator_id'], unique=False)



def downgrade():
    with op.batch_alter_table('task_report_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_report_values_indicator_id'))

    op.drop_table('task_report_values')
    with op.batch_alter_table('task_report_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_report_attachments_report_id'))

    op.drop_table('task_report_attachments')
    with op.batch_alter_table('task_light_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_light_changes_item_id'))
        batch_op.drop_index(batch_op.f('ix_task_light_changes_indicator_id'))

    op.drop_table('task_light_changes')
    op.drop_table('task_indicator_figures')
    with op.batch_alter_table('task_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_reports_unit_id'))
        batch_op.drop_index('ix_task_reports_period')
        batch_op.drop_index(batch_op.f('ix_task_reports_item_id'))

    op.drop_table('task_reports')
    with op.batch_alter_table('task_item_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_item_units_unit_id'))

    op.drop_table('task_item_units')
    with op.batch_alter_table('task_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_indicators_plan_id'))
        batch_op.drop_index(batch_op.f('ix_task_indicators_item_id'))
        batch_op.drop_index(batch_op.f('ix_task_indicators_action_id'))

    op.drop_table('task_indicators')
    with op.batch_alter_table('task_directives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_directives_unit_id'))
        batch_op.drop_index(batch_op.f('ix_task_directives_item_id'))

    op.drop_table('task_directives')
    with op.batch_alter_table('task_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_items_deadline'))
        batch_op.drop_index(batch_op.f('ix_task_items_action_id'))

    op.drop_table('task_items')
    op.drop_table('task_plan_members')
    with op.batch_alter_table('task_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_actions_plan_id'))

    op.drop_table('task_actions')
    op.drop_table('task_plans')
