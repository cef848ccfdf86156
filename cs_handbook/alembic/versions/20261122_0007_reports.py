"""reports: per-person and per-team roll-ups and covering indexes for the dashboard's measures

Revision ID: 20261122_0007
Revises: 20261122_0006
"""

import sqlalchemy as sa
from alembic import op

revision = "20261122_0007"
down_revision = "20261122_0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_person_rollups",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("progress_percent", sa.Float(), nullable=True),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("quiz_average", sa.Float(), nullable=True),
        sa.Column("quiz_pass_rate", sa.Float(), nullable=True),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("retention", sa.Float(), nullable=True),
        sa.Column("qa_points", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_report_person_rollups_account_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_report_person_rollups")),
    )
    with op.batch_alter_table("report_person_rollups", schema=None) as batch_op:
        batch_op.create_index("ix_report_person_rollups_team", ["team_id"], unique=False)
    op.create_table(
        "report_team_rollups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("progress_percent", sa.Float(), nullable=True),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("quiz_average", sa.Float(), nullable=True),
        sa.Column("quiz_pass_rate", sa.Float(), nullable=True),
        sa.Column("retention", sa.Float(), nullable=True),
        sa.Column("qa_points", sa.Float(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_team_rollups")),
    )
    with op.batch_alter_table("training_item_progress", schema=None) as batch_op:
        batch_op.create_index("ix_report_item_progress_cover", ["account_id", "state", "item_id"], unique=False)
    with op.batch_alter_table("quiz_grades", schema=None) as batch_op:
        batch_op.create_index("ix_report_quiz_grades_account", ["account_id", "grade_percent", "passed"], unique=False)
    with op.batch_alter_table("drill_review_logs", schema=None) as batch_op:
        batch_op.create_index("ix_report_drill_review_logs_cover", ["account_id", "day", "correct"], unique=False)
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.create_index("ix_report_qa_evaluations_cover", ["agent_id", "day", "status", "passed"], unique=False)


def downgrade():
    with op.batch_alter_table("training_item_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_report_item_progress_cover")
    op.drop_table("report_team_rollups")
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_report_qa_evaluations_cover")
    with op.batch_alter_table("drill_review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_report_drill_review_logs_cover")
    with op.batch_alter_table("quiz_grades", schema=None) as batch_op:
        batch_op.drop_index("ix_report_quiz_grades_account")
    with op.batch_alter_table("report_person_rollups", schema=None) as batch_op:
        batch_op.drop_index("ix_report_person_rollups_team")
    op.drop_table("report_person_rollups")
