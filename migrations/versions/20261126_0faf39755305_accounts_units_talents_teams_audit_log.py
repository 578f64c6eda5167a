"""accounts, units, talents, teams, audit log

Revision ID: 0faf39755305
Revises: 
Create Date: 2026-11-26 14:39:28.383823

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0faf39755305'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('introduced_on', sa.Date(), nullable=True),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_leader_id'), ['leader_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('talents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('id_type', sa.String(length=20), nullable=False),
    sa.Column('id_number', sa.String(length=30), nullable=False),
    sa.Column('nationality', sa.String(length=2), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('title_level', sa.String(length=20), nullable=False),
    sa.Column('title_name', sa.String(length=60), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('introduced_on', sa.Date(), nullable=True),
    sa.Column('programme_level', sa.String(length=20), nullable=False),
    sa.Column('works_in_county', sa.Boolean(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('honors', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("category IN ('leading', 'innovator', 'young', 'engineer', 'craftsman', 'none')", name=op.f('ck_talents_category')),
    sa.CheckConstraint("education IN ('doctorate', 'master', 'bachelor', 'college', 'other')", name=op.f('ck_talents_education')),
    sa.CheckConstraint("field IN ('bamboo_wood', 'biomedicine', 'new_energy_materials', 'modern_agriculture', 'education', 'healthcare', 'other')", name=op.f('ck_talents_field')),
    sa.CheckConstraint("gender IN ('male', 'female')", name=op.f('ck_talents_gender')),
    sa.CheckConstraint("id_type IN ('resident_id', 'passport')", name=op.f('ck_talents_id_type')),
    sa.CheckConstraint("programme_level IN ('academician', 'national', 'provincial', 'municipal', 'none')", name=op.f('ck_talents_programme_level')),
    sa.CheckConstraint("source IN ('introduced', 'local')", name=op.f('ck_talents_source')),
    sa.CheckConstraint("status IN ('active', 'left')", name=op.f('ck_talents_status')),
    sa.CheckConstraint("title_level IN ('senior', 'vice_senior', 'intermediate', 'junior', 'none')", name=op.f('ck_talents_title_level')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_talents_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talents')),
    sa.UniqueConstraint('id_number', name=op.f('uq_talents_id_number'))
    )
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talents_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_education'), ['education'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_employer'), ['employer'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_nationality'), ['nationality'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_status'), ['status'], unique=False)
        batch_op.create_index('ix_talents_status_id', ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_title_level'), ['title_level'], unique=False)

    # teams.leader_id and talents.team_id point at each other: add the second key once both tables exist.
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_teams_leader_id_talents', 'talents', ['leader_id'], ['id'])

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('talent_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role != 'unit' OR unit_id IS NOT NULL", name=op.f('ck_users_unit_user_has_unit')),
    sa.CheckConstraint("role IN ('admin', 'org', 'unit', 'commissioner', 'talent')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_users_talent_id_talents')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_talent_id'), ['talent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entries_object', ['object_type', 'object_id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_object')
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))
        batch_op.drop_index(batch_op.f('ix_users_talent_id'))
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint('fk_teams_leader_id_talents', type_='foreignkey')

    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talents_title_level'))
        batch_op.drop_index(batch_op.f('ix_talents_team_id'))
        batch_op.drop_index('ix_talents_status_id')
        batch_op.drop_index(batch_op.f('ix_talents_status'))
        batch_op.drop_index(batch_op.f('ix_talents_source'))
        batch_op.drop_index(batch_op.f('ix_talents_phone'))
        batch_op.drop_index(batch_op.f('ix_talents_nationality'))
        batch_op.drop_index(batch_op.f('ix_talents_name'))
        batch_op.drop_index(batch_op.f('ix_talents_field'))
        batch_op.drop_index(batch_op.f('ix_talents_employer'))
        batch_op.drop_index(batch_op.f('ix_talents_education'))
        batch_op.drop_index(batch_op.f('ix_talents_category'))

    op.drop_table('talents')
    op.drop_table('units')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_leader_id'))

    op.drop_table('teams')
