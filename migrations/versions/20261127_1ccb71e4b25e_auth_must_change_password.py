"""auth: users.must_change_password

Set when 组织部 or an administrator resets a password to a one-time password: the next sign-in
leads to the change-password page only, until the user has chosen their own.

Revision ID: 1ccb71e4b25e
Revises: 5e4c1a7d2b90
Create Date: 2026-11-27 01:20:00.931128

"""
import sqlalchemy as sa
from alembic import op

revision = '1ccb71e4b25e'
down_revision = '5e4c1a7d2b90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
