"""qa: chat transcripts, their turns, evaluations and disputes

Revision ID: 20261122_0006
Revises: 20261122_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0006"
down_revision = "20261122_0005"
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('qa_transcripts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sampled', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['accounts.id'], name=op.f('fk_qa_transcripts_agent_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_transcripts')),
    sa.UniqueConstraint('external_id', name=op.f('uq_qa_transcripts_external_id'))
    )
    with op.batch_alter_table('qa_transcripts', schema=None) as batch_op:
        batch_op.create_index('ix_qa_transcripts_agent_day', ['agent_id', 'day', 'sampled'], unique=False)

    op.create_table('qa_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transcript_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['accounts.id'], name=op.f('fk_qa_evaluations_agent_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluator_id'], ['accounts.id'], name=op.f('fk_qa_evaluations_evaluator_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['transcript_id'], ['qa_transcripts.id'], name=op.f('fk_qa_evaluations_transcript_id_qa_transcripts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_evaluations')),
    sa.UniqueConstraint('transcript_id', name=op.f('uq_qa_evaluations_transcript_id'))
    )
    with op.batch_alter_table('qa_evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_qa_evaluations_agent_day', ['agent_id', 'day', 'status'], unique=False)
        batch_op.create_index('ix_qa_evaluations_status_day', ['status', 'day'], unique=False)

    op.create_table('qa_transcript_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transcript_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['transcript_id'], ['qa_transcripts.id'], name=op.f('fk_qa_transcript_turns_transcript_id_qa_transcripts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_transcript_turns')),
    sa.UniqueConstraint('transcript_id', 'seq', name='uq_qa_transcript_turns_seq')
    )
    op.create_table('qa_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolver_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['accounts.id'], name=op.f('fk_qa_disputes_agent_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['qa_evaluations.id'], name=op.f('fk_qa_disputes_evaluation_id_qa_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolver_id'], ['accounts.id'], name=op.f('fk_qa_disputes_resolver_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_disputes'))
    )
    with op.batch_alter_table('qa_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_disputes_evaluation_id'), ['evaluation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('qa_disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_disputes_evaluation_id'))

    op.drop_table('qa_disputes')
    op.drop_table('qa_transcript_turns')
    with op.batch_alter_table('qa_evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_qa_evaluations_status_day')
        batch_op.drop_index('ix_qa_evaluations_agent_day')

    op.drop_table('qa_evaluations')
    with op.batch_alter_table('qa_transcripts', schema=None) as batch_op:
        batch_op.drop_index('ix_qa_transcripts_agent_day')

    op.drop_table('qa_transcripts')
