"""commissioners: rounds, commissioners, targets, assignments, service logs, photos, projects, assessments

Revision ID: 9ae27bcbdc57
Revises: c56e22b8cbc2
Create Date: 2026-11-26 22:05:32.266544

科技特派员: towns of 双牌县 (reference data, seeded by the feature), selection rounds,
commissioners (one active post per person: partial unique indexes on id_number and talent_id),
service targets, assignments (one active assignment per commissioner and target), service logs
(client_key unique per commissioner, so a retried post never doubles a log), their photos,
projects, annual assessments, and ``users.commissioner_id`` linking an account to its commissioner.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9ae27bcbdc57'
down_revision = 'c56e22b8cbc2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('selection_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('provincial', 'municipal', 'county')", name=op.f('ck_selection_rounds_level')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_selection_rounds_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_rounds')),
    sa.UniqueConstraint('name', name=op.f('uq_selection_rounds_name'))
    )
    with op.batch_alter_table('selection_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_rounds_year'), ['year'], unique=False)

    op.create_table('towns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_towns')),
    sa.UniqueConstraint('name', name=op.f('uq_towns_name'))
    )
    op.create_table('service_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('uscc_valid', sa.Boolean(), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('enterprise', 'cooperative', 'village', 'other')", name=op.f('ck_service_targets_kind')),
    sa.ForeignKeyConstraint(['town_id'], ['towns.id'], name=op.f('fk_service_targets_town_id_towns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_targets')),
    sa.UniqueConstraint('name', name=op.f('uq_service_targets_name')),
    sa.UniqueConstraint('uscc', name=op.f('uq_service_targets_uscc'))
    )
    with op.batch_alter_table('service_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_targets_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_targets_town_id'), ['town_id'], unique=False)

    op.create_table('commissioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=30), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=False),
    sa.Column('expertise', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('three_regions', sa.Boolean(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('provincial', 'municipal', 'county')", name=op.f('ck_commissioners_level')),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_commissioners_status')),
    sa.ForeignKeyConstraint(['round_id'], ['selection_rounds.id'], name=op.f('fk_commissioners_round_id_selection_rounds')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_commissioners_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioners'))
    )
    with op.batch_alter_table('commissioners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commissioners_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_commissioners_round_id'), ['round_id'], unique=False)
        batch_op.create_index('ix_commissioners_status_level', ['status', 'level'], unique=False)
        batch_op.create_index('uq_commissioners_active_id_number', ['id_number'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index('uq_commissioners_active_talent', ['talent_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('needs', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_assignments_status')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_assignments_ends_after_start')),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioners.id'], name=op.f('fk_assignments_commissioner_id_commissioners')),
    sa.ForeignKeyConstraint(['target_id'], ['service_targets.id'], name=op.f('fk_assignments_target_id_service_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_commissioner_status', ['commissioner_id', 'status'], unique=False)
        batch_op.create_index('ix_assignments_target_status', ['target_id', 'status'], unique=False)
        batch_op.create_index('uq_assignments_active_pair', ['commissioner_id', 'target_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('commissioner_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('funding', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('rural_revitalization', 'other')", name=op.f('ck_commissioner_projects_kind')),
    sa.CheckConstraint("level IN ('national', 'provincial', 'municipal', 'county')", name=op.f('ck_commissioner_projects_level')),
    sa.CheckConstraint("status IN ('applied', 'approved', 'completed', 'rejected')", name=op.f('ck_commissioner_projects_status')),
    sa.CheckConstraint('funding >= 0', name=op.f('ck_commissioner_projects_funding')),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioners.id'], name=op.f('fk_commissioner_projects_commissioner_id_commissioners')),
    sa.ForeignKeyConstraint(['target_id'], ['service_targets.id'], name=op.f('fk_commissioner_projects_target_id_service_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioner_projects'))
    )
    with op.batch_alter_table('commissioner_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commissioner_projects_commissioner_id'), ['commissioner_id'], unique=False)
        batch_op.create_index('ix_commissioner_projects_year_level', ['year', 'level'], unique=False)

    op.create_table('commissioner_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("grade IN ('excellent', 'pass', 'basic_pass', 'fail')", name=op.f('ck_commissioner_assessments_grade')),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioners.id'], name=op.f('fk_commissioner_assessments_commissioner_id_commissioners')),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'], name=op.f('fk_commissioner_assessments_graded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioner_assessments')),
    sa.UniqueConstraint('commissioner_id', 'year', name='uq_commissioner_assessments_year')
    )
    with op.batch_alter_table('commissioner_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commissioner_assessments_year'), ['year'], unique=False)

    op.create_table('service_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('commissioner_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=False),
    sa.Column('trained_count', sa.Integer(), nullable=False),
    sa.Column('technologies', sa.JSON(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('return_comment', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('research', 'guidance', 'demonstration', 'training', 'consulting')", name=op.f('ck_service_logs_kind')),
    sa.CheckConstraint("status IN ('submitted', 'confirmed', 'returned')", name=op.f('ck_service_logs_status')),
    sa.CheckConstraint('hours >= 0 AND hours <= 24', name=op.f('ck_service_logs_hours')),
    sa.CheckConstraint('trained_count >= 0', name=op.f('ck_service_logs_trained_count')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_service_logs_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['commissioner_id'], ['commissioners.id'], name=op.f('fk_service_logs_commissioner_id_commissioners')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_service_logs_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_logs_created_by_id_users')),
    sa.ForeignKeyConstraint(['target_id'], ['service_targets.id'], name=op.f('fk_service_logs_target_id_service_targets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_logs')),
    sa.UniqueConstraint('commissioner_id', 'client_key', name='uq_service_logs_client_key')
    )
    with op.batch_alter_table('service_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_logs_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index('ix_service_logs_commissioner_served', ['commissioner_id', 'served_on'], unique=False)
        batch_op.create_index('ix_service_logs_served_on', ['served_on'], unique=False)
        batch_op.create_index('ix_service_logs_pending', ['status', 'served_on'], unique=False, sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))
        batch_op.create_index('ix_service_logs_target_served', ['target_id', 'served_on'], unique=False)

    op.create_table('service_log_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['log_id'], ['service_logs.id'], name=op.f('fk_service_log_photos_log_id_service_logs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_log_photos')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_service_log_photos_stored_name'))
    )
    with op.batch_alter_table('service_log_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_log_photos_log_id'), ['log_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commissioner_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_commissioner_id'), ['commissioner_id'])
        batch_op.create_foreign_key(batch_op.f('fk_users_commissioner_id_commissioners'), 'commissioners', ['commissioner_id'], ['id'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_commissioner_id_commissioners'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_users_commissioner_id'), type_='unique')
        batch_op.drop_column('commissioner_id')

    with op.batch_alter_table('service_log_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_log_photos_log_id'))

    op.drop_table('service_log_photos')
    with op.batch_alter_table('service_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_service_logs_target_served')
        batch_op.drop_index('ix_service_logs_pending', sqlite_where=sa.text("status = 'submitted'"), postgresql_where=sa.text("status = 'submitted'"))
        batch_op.drop_index('ix_service_logs_served_on')
        batch_op.drop_index('ix_service_logs_commissioner_served')
        batch_op.drop_index(batch_op.f('ix_service_logs_assignment_id'))

    op.drop_table('service_logs')
    with op.batch_alter_table('commissioner_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commissioner_assessments_year'))

    op.drop_table('commissioner_assessments')
    with op.batch_alter_table('commissioner_projects', schema=None) as batch_op:
        batch_op.drop_index('ix_commissioner_projects_year_level')
        batch_op.drop_index(batch_op.f('ix_commissioner_projects_commissioner_id'))

    op.drop_table('commissioner_projects')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('uq_assignments_active_pair', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_assignments_target_status')
        batch_op.drop_index('ix_assignments_commissioner_status')

    op.drop_table('assignments')
    with op.batch_alter_table('commissioners', schema=None) as batch_op:
        batch_op.drop_index('uq_commissioners_active_talent', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('uq_commissioners_active_id_number', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_commissioners_status_level')
        batch_op.drop_index(batch_op.f('ix_commissioners_round_id'))
        batch_op.drop_index(batch_op.f('ix_commissioners_name'))

    op.drop_table('commissioners')
    with op.batch_alter_table('service_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_targets_town_id'))
        batch_op.drop_index(batch_op.f('ix_service_targets_kind'))

    op.drop_table('service_targets')
    op.drop_table('towns')
    with op.batch_alter_table('selection_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_rounds_year'))

    op.drop_table('selection_rounds')
