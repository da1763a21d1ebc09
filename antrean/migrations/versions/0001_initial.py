"""Initial schema: tickets, the event log, devices, pairing codes.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("priority", sa.Text),
        sa.Column("request_id", sa.Text, nullable=False, unique=True),
        sa.Column("issued_at", sa.Text, nullable=False),
        sa.Column("kiosk", sa.Text),
        sa.UniqueConstraint("post_id", "day", "service", "seq", name="uq_ticket_number"),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
        sa.Column("counter", sa.Integer),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("ticket", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_day", "events", ["day"])
    op.create_index("ix_events_ticket", "events", ["ticket_id"])
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.Text),
    )
    op.create_table(
        "pairing_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_hash", sa.Text, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("tries_left", sa.Integer, nullable=False),
        sa.Column("used_at", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("pairing_codes")
    op.drop_table("devices")
    op.drop_index("ix_events_ticket", "events")
    op.drop_index("ix_events_day", "events")
    op.drop_table("events")
    op.drop_table("tickets")
