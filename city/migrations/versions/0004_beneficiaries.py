"""Duplicate recipients across posts (DESIGN "Duplicate recipients"): each programme's HMAC
key, made here at random when a post first asks for it, and every post's recorded outcomes
as keyed NIK hashes (never a NIK), filled from the posts' ``beneficiary.recorded`` events
in the ingest's transaction. ``id`` is the downlink's cursor.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import BYTEA

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "beneficiary_programmes",
        sa.Column("programme", sa.Text, primary_key=True),
        sa.Column("key", BYTEA, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "beneficiary_records",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("post_name", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("counter", sa.Integer),
        sa.Column("number", sa.Text),
        sa.Column("at", TS, nullable=False),
        sa.Column("uplink_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("uplink_id", "seq", name="uq_beneficiary_event"),
    )
    op.create_index("ix_beneficiary_programme_id", "beneficiary_records", ["programme", "id"])
    op.create_index("ix_beneficiary_programme_hash", "beneficiary_records",
                    ["programme", "hash"])


def downgrade() -> None:
    op.drop_table("beneficiary_records")
    op.drop_table("beneficiary_programmes")
