"""employers and card applications

用人单位 (employers, their staff) and their accounts (role ``employer``, ``users.employer_id``);
VIP-card applications with their steps and material.

Revision ID: 000a0973e353
Revises: 96545bc60439
Create Date: 2026-12-05 20:04:12.541324

"""
import sqlalchemy as sa
from alembic import op

ROLES_BEFORE = "role IN ('admin', 'org', 'unit', 'commissioner', 'talent', 'leader')"
ROLES_AFTER = "role IN ('admin', 'org', 'unit', 'commissioner', 'talent', 'leader', 'employer')"


# revision identifiers, used by Alembic.
revision = '000a0973e353'
down_revision = '96545bc60439'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('contact', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('service_target_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('enterprise', 'institution', 'other')", name=op.f('ck_employers_kind')),
    sa.ForeignKeyConstraint(['service_target_id'], ['service_targets.id'], name=op.f('fk_employers_service_target_id_service_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers')),
    sa.UniqueConstraint('name', name=op.f('uq_employers_name'))
    )
    op.create_table('employments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_employments_employer_id_employers')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_employments_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employments')),
    sa.UniqueConstraint('talent_id', name=op.f('uq_employments_talent_id'))
    )
    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employments_employer_id'), ['employer_id'], unique=False)

    op.create_table('card_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('eligible_tier', sa.String(length=10), nullable=True),
    sa.Column('rule_version', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('started_by', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("started_by IN ('talent', 'employer', 'org')", name=op.f('ck_card_applications_started_by')),
    sa.CheckConstraint("status IN ('submitted', 'confirmed', 'returned', 'declined', 'approved', 'rejected', 'withdrawn')", name=op.f('ck_card_applications_status')),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_applications_card_id_cards')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_card_applications_created_by_id_users')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_card_applications_employer_id_employers')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_card_applications_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_applications'))
    )
    with op.batch_alter_table('card_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_applications_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_applications_submitted_on'), ['submitted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_applications_talent_id'), ['talent_id'], unique=False)
        batch_op.create_index('uq_card_applications_one_open_per_talent', ['talent_id'], unique=True, sqlite_where=sa.text("status IN ('submitted', 'confirmed', 'returned')"), postgresql_where=sa.text("status IN ('submitted', 'confirmed', 'returned')"))

    op.create_table('card_application_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['card_applications.id'], name=op.f('fk_card_application_files_application_id_card_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_card_application_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_application_files'))
    )
    with op.batch_alter_table('card_application_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_application_files_application_id'), ['application_id'], unique=False)

    op.create_table('card_application_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_card_application_steps_actor_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['card_applications.id'], name=op.f('fk_card_application_steps_application_id_card_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_application_steps'))
    )
    with op.batch_alter_table('card_application_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_application_steps_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_employer_id'), ['employer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_employer_id_employers'), 'employers', ['employer_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_AFTER)
        batch_op.create_check_constraint(op.f('ck_users_employer_user_has_employer'),
                                         "role != 'employer' OR employer_id IS NOT NULL")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_employer_user_has_employer'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROLES_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_users_employer_id_employers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_employer_id'))
        batch_op.drop_column('employer_id')

    with op.batch_alter_table('card_application_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_application_steps_application_id'))

    op.drop_table('card_application_steps')
    with op.batch_alter_table('card_application_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_application_files_application_id'))

    op.drop_table('card_application_files')
    with op.batch_alter_table('card_applications', schema=None) as batch_op:
        batch_op.drop_index('uq_card_applications_one_open_per_talent', sqlite_where=sa.text("status IN ('submitted', 'confirmed', 'returned')"), postgresql_where=sa.text("status IN ('submitted', 'confirmed', 'returned')"))
        batch_op.drop_index(batch_op.f('ix_card_applications_talent_id'))
        batch_op.drop_index(batch_op.f('ix_card_applications_submitted_on'))
        batch_op.drop_index(batch_op.f('ix_card_applications_status'))
        batch_op.drop_index(batch_op.f('ix_card_applications_employer_id'))

    op.drop_table('card_applications')
    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employments_employer_id'))

    op.drop_table('employments')
    op.drop_table('employers')
