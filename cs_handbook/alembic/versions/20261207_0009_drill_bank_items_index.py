"""drill: an index answering the queue build's "are the bank items in step with the bank?"

Revision ID: 20261207_0009
Revises: 20261207_0008
"""

from alembic import op

revision = "20261207_0009"
down_revision = "20261207_0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drill_items", schema=None) as batch_op:
        batch_op.create_index("ix_drill_items_kind_status_version", ["kind", "status", "question_version_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("drill_items", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_items_kind_status_version")
