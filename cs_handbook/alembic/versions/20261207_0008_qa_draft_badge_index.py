"""qa: an index covering the evaluators' draft badge (drafts but the reader's own)

Revision ID: 20261207_0008
Revises: 20261122_0007
"""

from alembic import op

revision = "20261207_0008"
down_revision = "20261122_0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_qa_evaluations_status_agent", ["status", "agent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_evaluations_status_agent")
