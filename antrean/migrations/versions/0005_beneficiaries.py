"""Duplicate recipients: keyed NIK hashes per programme (DESIGN "Duplicate recipients").

``source`` is ``local`` for this post's own outcomes (mirrored from its
``beneficiary.recorded`` events, in the same transaction) and ``city`` for the hashes other
posts recorded, as the city's downlink last sent them. Never a NIK: only HMAC-SHA256.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beneficiaries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),  # given | refused
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("post_name", sa.Text, nullable=False),
        sa.Column("counter", sa.Integer),
        sa.Column("ticket_id", sa.Text),
        sa.Column("number", sa.Text),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),  # local | city
    )
    op.create_index("ix_beneficiaries_hash", "beneficiaries", ["programme", "hash"])
    op.create_index("uq_beneficiaries_ticket", "beneficiaries", ["programme", "ticket_id"],
                    unique=True, sqlite_where=sa.text("source = 'local'"))


def downgrade() -> None:
    op.drop_index("uq_beneficiaries_ticket", "beneficiaries")
    op.drop_index("ix_beneficiaries_hash", "beneficiaries")
    op.drop_table("beneficiaries")
