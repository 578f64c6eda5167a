"""auth: users.one_time_password_expires_at

A one-time password stops working ONE_TIME_PASSWORD_HOURS (24 by default) after the reset
(issue 19 item 10). Passwords reset before this migration keep no expiry (NULL).

Revision ID: a19e0f7c3b21
Revises: 2290463b2b10
Create Date: 2026-12-05 20:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a19e0f7c3b21'
down_revision = '2290463b2b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('one_time_password_expires_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('one_time_password_expires_at')
