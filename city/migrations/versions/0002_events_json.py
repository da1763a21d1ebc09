"""The raw log keeps each event's data as ``json`` (checked, kept as sent) instead of
``jsonb``: ingest is cheaper (no decomposition of 40 M small objects a year), the log is
read seldom, and ``json`` takes every string a post may have logged (jsonb refuses \\u0000).

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE events ALTER COLUMN data TYPE json USING data::json, "
               "ALTER COLUMN ticket TYPE json USING ticket::json")


def downgrade() -> None:
    op.execute("ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb, "
               "ALTER COLUMN ticket TYPE jsonb USING ticket::jsonb")
