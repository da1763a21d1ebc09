"""Device trust: when each device was last seen, and which counter number a device holds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.Text))
    op.create_table(
        "counter_claims",
        sa.Column("counter", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("device_id", sa.Integer, sa.ForeignKey("devices.id"), nullable=False,
                  unique=True),
        sa.Column("claimed_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("counter_claims")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("last_seen_at")
