"""covering index for the dashboard figures

Revision ID: 655089d4ae78
Revises: 828305ad4749
Create Date: 2026-11-26 15:29:57.169907

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '655089d4ae78'
down_revision = '828305ad4749'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.create_index('ix_talents_summary', ['status', 'category', 'field', 'education', 'source', 'nationality'], unique=False)



def downgrade():
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_index('ix_talents_summary')

