"""maintained dashboard figures (talent_figures) and stored card eligibility

``talent_figures`` is filled here from the talents already there, in one grouped INSERT … SELECT
(it reads talents without blocking writes to them). ``talent_eligibility`` starts empty: with no
``eligibility_runs`` row for the rule version in force, the worker recomputes everyone in
batches at once — the same path as a rule change — and the 推荐发放名单 says so meanwhile.
The eligibility index is built with CREATE INDEX CONCURRENTLY on PostgreSQL, outside the
migration's transaction. New tables only: ``talents`` is not altered (no SQLite table copy,
so the search triggers stay).

After deploying, ``flask rebuild-summaries`` makes the figures exact if talents were written
between this migration and the new code starting.

Revision ID: e3f1a9c27b58
Revises: a19e0f7c3b21
Create Date: 2026-12-05 23:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3f1a9c27b58'
down_revision = 'a19e0f7c3b21'
branch_labels = None
depends_on = None

INDEX = "ix_talent_eligibility_version"


def upgrade():
    op.create_table(
        'talent_figures',
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('field', sa.String(length=30), nullable=False),
        sa.Column('education', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('is_foreign', sa.Boolean(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('status', 'category', 'field', 'education', 'source', 'is_foreign',
                                name=op.f('pk_talent_figures')),
    )
    op.create_table(
        'talent_eligibility',
        sa.Column('talent_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('rule_version', sa.Integer(), nullable=False),
        sa.Column('tier', sa.String(length=4), nullable=True),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], ondelete='CASCADE',
                                name=op.f('fk_talent_eligibility_talent_id_talents')),
        sa.PrimaryKeyConstraint('talent_id', name=op.f('pk_talent_eligibility')),
    )
    op.create_table(
        'eligibility_runs',
        sa.Column('rule_version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('next_talent_id', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('rule_version', name=op.f('pk_eligibility_runs')),
    )
    op.execute(
        "INSERT INTO talent_figures (status, category, field, education, source, is_foreign, n) "
        "SELECT status, category, field, education, source, nationality <> 'CN', count(*) FROM talents "
        "GROUP BY status, category, field, education, source, nationality <> 'CN'")
    columns = "talent_eligibility (rule_version, talent_id, tier)"
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")  # a failed earlier build
            op.execute(f"CREATE INDEX CONCURRENTLY {INDEX} ON {columns}")
    else:
        op.execute(f"CREATE INDEX {INDEX} ON {columns}")


def downgrade():
    op.drop_index(INDEX, table_name='talent_eligibility')
    op.drop_table('eligibility_runs')
    op.drop_table('talent_eligibility')
    op.drop_table('talent_figures')
