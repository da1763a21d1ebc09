"""Offline issuing: the numbers the hub reserved to each kiosk (DESIGN "Offline issuing").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reserved_numbers",
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("device_id", sa.Integer, nullable=False),
        sa.Column("kiosk", sa.Text, nullable=False),
        sa.Column("granted_at", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
        sa.Column("released_at", sa.Text),
        sa.PrimaryKeyConstraint("post_id", "day", "service", "seq", name="pk_reserved_numbers"),
    )
    op.create_index("ix_reserved_device_day", "reserved_numbers", ["device_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_reserved_device_day", "reserved_numbers")
    op.drop_table("reserved_numbers")
