"""When each cached day summary was computed: today's figures may be served up to a few
seconds old while posts keep sending (the background refresher renews them), instead of
being recomputed from every post's roll-ups on each dashboard poll. Past days stay exact.

Revision ID: c0003
Revises: c0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("summaries", sa.Column("computed_at", sa.TIMESTAMP(timezone=True)))


def downgrade() -> None:
    op.drop_column("summaries", "computed_at")
