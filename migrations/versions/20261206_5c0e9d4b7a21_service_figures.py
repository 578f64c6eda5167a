"""maintained service statistics (service_figures): per day, unit, type and handling days

``service_figures`` is filled here from the requests already there: its day rows in one grouped
INSERT … SELECT (the same grouping as ``daily_figures.grouped_rows``), its month rows in another
summing those. The two covering indexes
that only the per-page-view grouping read (``ix_service_requests_filed``,
``ix_service_requests_completed``) are dropped — every request write maintained them — with
DROP INDEX CONCURRENTLY on PostgreSQL, outside the migration's transaction, so the requests stay
writable meanwhile. On SQLite the new table is WITHOUT ROWID (stored in key order).

After deploying, ``flask rebuild-summaries`` makes the figures exact if requests were written
between this migration and the new code starting.

Revision ID: 5c0e9d4b7a21
Revises: f6a2c8e41b37
Create Date: 2026-12-06 02:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c0e9d4b7a21'
down_revision = 'f6a2c8e41b37'
branch_labels = None
depends_on = None

OLD_INDEXES = {
    "ix_service_requests_filed": "filed_on, unit_id, type_id",
    "ix_service_requests_completed": "completed_on, unit_id, type_id, handling_days, on_time, rating, reopen_count",
}
COLUMNS = "span, day, unit_id, type_id, handling_days, received, completed, on_time, rating_sum, rated, reopened"
FILL_DAYS = f"""
INSERT INTO service_figures ({COLUMNS})
SELECT 'day', day, unit_id, type_id, handling_days, sum(received), sum(completed), sum(on_time),
       sum(rating_sum), sum(rated), sum(reopened)
FROM (
    SELECT filed_on AS day, unit_id, type_id, -1 AS handling_days, count(*) AS received, 0 AS completed,
           0 AS on_time, 0 AS rating_sum, 0 AS rated, 0 AS reopened
    FROM service_requests GROUP BY filed_on, unit_id, type_id
    UNION ALL
    SELECT completed_on, unit_id, type_id, coalesce(handling_days, -1), 0, count(*),
           sum(CASE WHEN on_time THEN 1 ELSE 0 END), coalesce(sum(rating), 0), count(rating),
           sum(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END)
    FROM service_requests WHERE completed_on IS NOT NULL
    GROUP BY completed_on, unit_id, type_id, coalesce(handling_days, -1)
) AS contributions
GROUP BY day, unit_id, type_id, handling_days
"""
FILL_MONTHS = f"""
INSERT INTO service_figures ({COLUMNS})
SELECT 'month', {{month}}, unit_id, type_id, handling_days, sum(received), sum(completed), sum(on_time),
       sum(rating_sum), sum(rated), sum(reopened)
FROM service_figures WHERE span = 'day'
GROUP BY {{month}}, unit_id, type_id, handling_days
"""


def upgrade():
    op.create_table(
        'service_figures',
        sa.Column('span', sa.String(length=5), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('type_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('handling_days', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.Column('on_time', sa.Integer(), nullable=False),
        sa.Column('rating_sum', sa.Integer(), nullable=False),
        sa.Column('rated', sa.Integer(), nullable=False),
        sa.Column('reopened', sa.Integer(), nullable=False),
        sa.CheckConstraint("span IN ('day', 'month')", name=op.f('ck_service_figures_span')),
        sa.PrimaryKeyConstraint('span', 'day', 'unit_id', 'type_id', 'handling_days',
                                name=op.f('pk_service_figures')),
        sqlite_with_rowid=False,
    )
    postgresql = op.get_bind().dialect.name == 'postgresql'
    op.execute(FILL_DAYS)
    op.execute(FILL_MONTHS.format(month="CAST(date_trunc('month', day) AS date)" if postgresql
                                  else "date(day, 'start of month')"))
    if postgresql:
        with op.get_context().autocommit_block():
            for name in OLD_INDEXES:
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    else:
        for name in OLD_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            for name, columns in OLD_INDEXES.items():
                op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")  # a failed earlier build
                op.execute(f"CREATE INDEX CONCURRENTLY {name} ON service_requests ({columns})")
    else:
        for name, columns in OLD_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON service_requests ({columns})")
    op.drop_table('service_figures')
