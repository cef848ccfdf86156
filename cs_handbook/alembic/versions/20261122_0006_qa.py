"""qa: tables of the qa area (filled in by its issue)

Revision ID: 20261122_0006
Revises: 20261122_0005
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "20261122_0006"
down_revision = "20261122_0005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
