"""VIP cards: rule versions, benefits, cards, scans; correction requests

Revision ID: 828305ad4749
Revises: 0faf39755305
Create Date: 2026-11-26 14:50:29.151976

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '828305ad4749'
down_revision = '0faf39755305'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_card_counters'))
    )
    op.create_table('tier_benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tier_benefits'))
    )
    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.create_index('uq_tier_benefits_tier_kind', ['tier', 'kind'], unique=True)

    op.create_table('card_rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_card_rule_sets_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_rule_sets')),
    sa.UniqueConstraint('version', name=op.f('uq_card_rule_sets_version'))
    )
    with op.batch_alter_table('card_rule_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_rule_sets_effective_on'), ['effective_on'], unique=False)

    op.create_table('correction_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_correction_requests_handled_by_id_users')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_correction_requests_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correction_requests'))
    )
    with op.batch_alter_table('correction_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_requests_talent_id'), ['talent_id'], unique=False)

    op.create_table('cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=200), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'revoked', 'replaced')", name=op.f('ck_cards_status')),
    sa.CheckConstraint('expires_on > issued_on', name=op.f('ck_cards_expiry_after_issue')),
    sa.ForeignKeyConstraint(['replaces_id'], ['cards.id'], name=op.f('fk_cards_replaces_id_cards')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['card_rule_sets.id'], name=op.f('fk_cards_rule_set_id_card_rule_sets')),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_cards_talent_id_talents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards')),
    sa.UniqueConstraint('number', name=op.f('uq_cards_number'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cards_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cards_talent_id'), ['talent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cards_tier'), ['tier'], unique=False)
        batch_op.create_index('uq_cards_one_active_per_talent', ['talent_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('card_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_scans_card_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_scans'))
    )
    with op.batch_alter_table('card_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_scans_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_scans_card_id'), ['card_id'], unique=False)



def downgrade():
    with op.batch_alter_table('card_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_scans_card_id'))
        batch_op.drop_index(batch_op.f('ix_card_scans_at'))

    op.drop_table('card_scans')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('uq_cards_one_active_per_talent', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_cards_tier'))
        batch_op.drop_index(batch_op.f('ix_cards_talent_id'))
        batch_op.drop_index(batch_op.f('ix_cards_status'))
        batch_op.drop_index(batch_op.f('ix_cards_expires_on'))

    op.drop_table('cards')
    with op.batch_alter_table('correction_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_requests_talent_id'))

    op.drop_table('correction_requests')
    with op.batch_alter_table('card_rule_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_rule_sets_effective_on'))

    op.drop_table('card_rule_sets')
    with op.batch_alter_table('tier_benefits', schema=None) as batch_op:
        batch_op.drop_index('uq_tier_benefits_tier_kind')

    op.drop_table('tier_benefits')
    op.drop_table('card_counters')
