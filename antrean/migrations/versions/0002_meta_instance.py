"""The database's own identity: a ``meta`` table holding its instance UUID.

The city tells one hub database from another by this UUID (DESIGN.md "The city"): a
re-imaged hub, whose event seq starts again at 1, gets a new one and is never taken for the
old database. It is made once, here, and never changes; the uplink also keeps the last seq
the city acknowledged in this table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "instance", "value": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("meta")
