"""Units: kind (county/town/window/finance/other), active (retired units stay), the group a text
names them by (各乡镇(管理局)), and a version for the admin's edits

Revision ID: b81f04c2d7e6
Revises: 7a3e5c1d9b42
Create Date: 2026-12-05 20:25:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b81f04c2d7e6'
down_revision = '7a3e5c1d9b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=10), server_default='county', nullable=False))
        batch.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column('group_name', sa.String(length=60), server_default='', nullable=False))
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch.create_check_constraint(op.f('ck_units_kind'),
                                      "kind IN ('county', 'town', 'window', 'finance', 'other')")


def downgrade():
    with op.batch_alter_table('units') as batch:
        batch.drop_constraint(op.f('ck_units_kind'), type_='check')
        batch.drop_column('version')
        batch.drop_column('group_name')
        batch.drop_column('active')
        batch.drop_column('kind')
