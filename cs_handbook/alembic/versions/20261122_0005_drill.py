"""drill: items, per-person FSRS cards, review logs, daily queues, team settings, streaks

Revision ID: 20261122_0005
Revises: 20261122_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0005"
down_revision = "20261122_0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drill_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('source_slug', sa.String(length=300), nullable=False),
    sa.Column('source_kind', sa.String(length=32), nullable=False),
    sa.Column('source_title', sa.String(length=300), nullable=False),
    sa.Column('source_version', sa.String(length=64), nullable=False),
    sa.Column('source_anchor', sa.String(length=300), nullable=False),
    sa.Column('section', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('question_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_drill_items_question_id_quiz_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_version_id'], ['quiz_question_versions.id'], name=op.f('fk_drill_items_question_version_id_quiz_question_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_items')),
    sa.UniqueConstraint('key', name=op.f('uq_drill_items_key'))
    )
    with op.batch_alter_table('drill_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_items_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_items_source_slug'), ['source_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_items_status'), ['status'], unique=False)

    op.create_table('drill_team_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('new_per_day', sa.Integer(), nullable=False),
    sa.Column('reviews_per_day', sa.Integer(), nullable=False),
    sa.Column('targeted_per_day', sa.Integer(), nullable=False),
    sa.Column('target_retention', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_drill_team_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_drill_team_settings'))
    )
    op.create_table('drill_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sa.DateTime(), nullable=False),
    sa.Column('last_review', sa.DateTime(), nullable=True),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('lapses', sa.Integer(), nullable=False),
    sa.Column('leech', sa.Boolean(), nullable=False),
    sa.Column('source_changed', sa.Boolean(), nullable=False),
    sa.Column('targeted_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_drill_cards_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['drill_items.id'], name=op.f('fk_drill_cards_item_id_drill_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_cards')),
    sa.UniqueConstraint('account_id', 'item_id', name='uq_drill_cards_account_item')
    )
    with op.batch_alter_table('drill_cards', schema=None) as batch_op:
        batch_op.create_index('ix_drill_cards_account_due', ['account_id', 'due'], unique=False)
        batch_op.create_index('ix_drill_cards_account_targeted', ['account_id', 'due'], unique=False,
                              sqlite_where=sa.text('targeted_reason IS NOT NULL'),
                              postgresql_where=sa.text('targeted_reason IS NOT NULL'))
        batch_op.create_index('ix_drill_cards_account_unseen', ['account_id', 'created_at'], unique=False,
                              sqlite_where=sa.text('last_review IS NULL'),
                              postgresql_where=sa.text('last_review IS NULL'))
        batch_op.create_index(batch_op.f('ix_drill_cards_item_id'), ['item_id'], unique=False)

    op.create_table('drill_streaks',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('current', sa.Integer(), nullable=False),
    sa.Column('best', sa.Integer(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_drill_streaks_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_drill_streaks'))
    )
    op.create_table('drill_queue_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=False),
    sa.Column('targeted', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_drill_queue_entries_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['card_id'], ['drill_cards.id'], name=op.f('fk_drill_queue_entries_card_id_drill_cards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_queue_entries')),
    sa.UniqueConstraint('account_id', 'day', 'card_id', name='uq_drill_queue_entries_account_day_card')
    )
    with op.batch_alter_table('drill_queue_entries', schema=None) as batch_op:
        batch_op.create_index('ix_drill_queue_entries_account_day', ['account_id', 'day', 'position'], unique=False)

    op.create_table('drill_review_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('due_before', sa.DateTime(), nullable=False),
    sa.Column('due_after', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_drill_review_logs_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['card_id'], ['drill_cards.id'], name=op.f('fk_drill_review_logs_card_id_drill_cards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['drill_items.id'], name=op.f('fk_drill_review_logs_item_id_drill_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_review_logs'))
    )
    with op.batch_alter_table('drill_review_logs', schema=None) as batch_op:
        batch_op.create_index('ix_drill_review_logs_account_day', ['account_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_review_logs_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_review_logs_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('drill_review_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_review_logs_item_id'))
        batch_op.drop_index(batch_op.f('ix_drill_review_logs_card_id'))
        batch_op.drop_index('ix_drill_review_logs_account_day')

    op.drop_table('drill_review_logs')
    with op.batch_alter_table('drill_queue_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_drill_queue_entries_account_day')

    op.drop_table('drill_queue_entries')
    op.drop_table('drill_streaks')
    with op.batch_alter_table('drill_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_cards_item_id'))
        batch_op.drop_index('ix_drill_cards_account_unseen')
        batch_op.drop_index('ix_drill_cards_account_targeted')
        batch_op.drop_index('ix_drill_cards_account_due')

    op.drop_table('drill_cards')
    op.drop_table('drill_team_settings')
    with op.batch_alter_table('drill_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_items_status'))
        batch_op.drop_index(batch_op.f('ix_drill_items_source_slug'))
        batch_op.drop_index(batch_op.f('ix_drill_items_question_id'))

    op.drop_table('drill_items')
