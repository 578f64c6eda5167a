"""maintained 待遇兑现 figures (benefit_figures, benefit_recipients) per year, unit and kind

Both tables are filled here from the redemptions already there, each in one INSERT … SELECT.
New tables only, no index beyond their keys. After deploying, ``flask rebuild-summaries`` makes
them exact if redemptions were recorded between this migration and the new code starting.

Revision ID: 7d3b8e1f6c05
Revises: 5c0e9d4b7a21
Create Date: 2026-12-06 02:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3b8e1f6c05'
down_revision = '5c0e9d4b7a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'benefit_figures',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('times', sa.Integer(), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'unit_id', 'kind', name=op.f('pk_benefit_figures')),
    )
    op.create_table(
        'benefit_recipients',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('talent_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('year', 'unit_id', 'kind', 'talent_id', name=op.f('pk_benefit_recipients')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        year = "CAST(EXTRACT(YEAR FROM redeemed_on) AS INTEGER)"
    else:
        year = "CAST(strftime('%Y', redeemed_on) AS INTEGER)"
    op.execute(f"INSERT INTO benefit_recipients (year, unit_id, kind, talent_id) "
               f"SELECT DISTINCT {year}, unit_id, kind, talent_id FROM redemptions")
    op.execute(f"INSERT INTO benefit_figures (year, unit_id, kind, times, people) "
               f"SELECT {year}, unit_id, kind, count(*), count(DISTINCT talent_id) FROM redemptions "
               f"GROUP BY {year}, unit_id, kind")


def downgrade():
    op.drop_table('benefit_recipients')
    op.drop_table('benefit_figures')
