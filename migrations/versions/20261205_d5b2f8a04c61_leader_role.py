"""Role leader (专班召集人/副召集人): read-only across the task tracker

Revision ID: d5b2f8a04c61
Revises: c4a9e7d15f30
Create Date: 2026-12-05 20:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5b2f8a04c61'
down_revision = 'c4a9e7d15f30'
branch_labels = None
depends_on = None

BEFORE = "role IN ('admin', 'org', 'unit', 'commissioner', 'talent')"
AFTER = "role IN ('admin', 'org', 'unit', 'commissioner', 'talent', 'leader')"


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint(op.f('ck_users_role'), AFTER)


def downgrade():
    # Leader accounts have no role to fall back to: disable and delete them first, by hand.
    leaders = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'leader'")).scalar()
    if leaders:
        raise RuntimeError(f"{leaders} leader account(s) exist; remove them before downgrading")
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint(op.f('ck_users_role'), BEFORE)
