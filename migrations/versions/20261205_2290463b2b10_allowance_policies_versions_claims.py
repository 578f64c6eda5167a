"""allowance policies, versions, claims

人才津贴补贴: policies and their versions (claims keep the version they were made under), claims
with money in NUMERIC(12,2), and the steps of their approval chain.

Revision ID: 2290463b2b10
Revises: 000a0973e353
Create Date: 2026-12-05 20:15:24.661451

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '2290463b2b10'
down_revision = '000a0973e353'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allowance_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_policies'))
    )
    op.create_table('allowance_policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('months', sa.Integer(), nullable=True),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("period IN ('monthly', 'yearly', 'once')", name=op.f('ck_allowance_policy_versions_period')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_allowance_policy_versions_amount_positive')),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_allowance_policy_versions_budget_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allowance_policy_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['policy_id'], ['allowance_policies.id'], name=op.f('fk_allowance_policy_versions_policy_id_allowance_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_policy_versions'))
    )
    with op.batch_alter_table('allowance_policy_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_policy_versions_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index('uq_allowance_policy_versions_policy_number', ['policy_id', 'number'], unique=True)

    op.create_table('allowance_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('policy_version_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('approved_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('paid_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('voucher_no', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('budget_override', sa.String(length=200), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'reviewed', 'rechecked', 'approved', 'paid', 'returned', 'rejected', 'stopped')", name=op.f('ck_allowance_claims_status')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_allowance_claims_amount_not_negative')),
    sa.CheckConstraint('paid_amount IS NULL OR paid_amount <= approved_amount', name=op.f('ck_allowance_claims_paid_within_approved')),
    sa.CheckConstraint('period_to >= period_from', name=op.f('ck_allowance_claims_period_order')),
    sa.ForeignKeyConstraint(['policy_id'], ['allowance_policies.id'], name=op.f('fk_allowance_claims_policy_id_allowance_policies')),
    sa.ForeignKeyConstraint(['policy_version_id'], ['allowance_policy_versions.id'], name=op.f('fk_allowance_claims_policy_version_id_allowance_policy_versions')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_allowance_claims_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_allowance_claims_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_claims'))
    )
    with op.batch_alter_table('allowance_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_claims_paid_on'), ['paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_claims_period_to'), ['period_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_claims_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_claims_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_claims_talent_id'), ['talent_id'], unique=False)
        batch_op.create_index('ix_allowance_claims_year_policy', ['year', 'policy_id', 'status', 'approved_amount', 'paid_amount'], unique=False)
        batch_op.create_index('ix_allowance_claims_year_talent', ['year', 'talent_id', 'status', 'approved_amount', 'paid_amount'], unique=False)

    op.create_table('allowance_claim_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_allowance_claim_steps_actor_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['allowance_claims.id'], name=op.f('fk_allowance_claim_steps_claim_id_allowance_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_claim_steps'))
    )
    with op.batch_alter_table('allowance_claim_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_claim_steps_claim_id'), ['claim_id'], unique=False)

    op.create_table('allowance_claim_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['allowance_claims.id'], name=op.f('fk_allowance_claim_files_claim_id_allowance_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_allowance_claim_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_claim_files'))
    )
    with op.batch_alter_table('allowance_claim_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_claim_files_claim_id'), ['claim_id'], unique=False)


def downgrade():
    with op.batch_alter_table('allowance_claim_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_claim_files_claim_id'))

    op.drop_table('allowance_claim_files')
    with op.batch_alter_table('allowance_claim_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_claim_steps_claim_id'))

    op.drop_table('allowance_claim_steps')
    with op.batch_alter_table('allowance_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_allowance_claims_year_talent')
        batch_op.drop_index('ix_allowance_claims_year_policy')
        batch_op.drop_index(batch_op.f('ix_allowance_claims_talent_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_claims_status'))
        batch_op.drop_index(batch_op.f('ix_allowance_claims_policy_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_claims_period_to'))
        batch_op.drop_index(batch_op.f('ix_allowance_claims_paid_on'))

    op.drop_table('allowance_claims')
    with op.batch_alter_table('allowance_policy_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_allowance_policy_versions_policy_number')
        batch_op.drop_index(batch_op.f('ix_allowance_policy_versions_policy_id'))

    op.drop_table('allowance_policy_versions')
    op.drop_table('allowance_policies')
