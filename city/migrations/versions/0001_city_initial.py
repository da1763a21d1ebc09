"""The city's first schema: posts, tokens, each hub database's uplink, the raw event log,
one row per ticket, and the daily roll-ups the dashboard reads.

- ``events`` is every post's log as sent (append-only, keyed by the hub database and seq);
  ``ticket`` holds the issue facts of ``ticket.issued`` events only (the rest is in
  ``tickets``). No foreign key here: it is the bulk table, written by COPY.
- ``tickets``: one row per ticket, the post's wait-time log row (antrean.daylog.LogRow)
  kept up to date on ingest; the ``/log`` export reads it.
- ``rollups``: per post, post-local day and service, the mergeable figures of
  antrean.stats.Tally (counts, every wait for exact median/p90, service times, ratings),
  updated in the same transaction as the events.
- ``summaries``: a cache of each day's figures (per post and for the whole city), marked
  stale on ingest by a version bump and recomputed from the roll-ups when read.

Revision ID: c0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "posts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("name_en", sa.Text, nullable=False, server_default=""),
        sa.Column("timezone", sa.Text, nullable=False, server_default="Asia/Jakarta"),
        sa.Column("services", JSONB, nullable=False, server_default="[]"),
        sa.Column("registered_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("post_id", sa.Text, sa.ForeignKey("posts.id")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", TS),
        sa.CheckConstraint("role IN ('post', 'officer')", name="ck_tokens_role"),
        sa.CheckConstraint("(role = 'post') = (post_id IS NOT NULL)", name="ck_tokens_post"),
    )
    op.create_table(
        "uplinks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Text, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("instance", UUID(as_uuid=False), nullable=False),
        sa.Column("acked_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("events", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("first_heard_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("last_heard_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("last_event_at", TS),
        sa.Column("last_via", sa.Text, nullable=False, server_default="uplink"),
        sa.UniqueConstraint("post_id", "instance", name="uq_uplinks_post_instance"),
    )
    op.create_table(
        "events",
        sa.Column("uplink_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("ticket_id", UUID(as_uuid=False)),
        sa.Column("counter", sa.Integer),
        sa.Column("data", JSONB),
        sa.Column("ticket", JSONB),
        sa.PrimaryKeyConstraint("uplink_id", "seq", name="pk_events"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("uplink_id", sa.Integer, nullable=False),
        sa.Column("issue_seq", sa.BigInteger, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("priority", sa.Text),
        sa.Column("issued_at", TS, nullable=False),
        sa.Column("called_at", TS),
        sa.Column("finished_at", TS),
        sa.Column("counter", sa.Integer),
        sa.Column("outcome", sa.Text),
        sa.Column("original_outcome", sa.Text),
        sa.Column("recalls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("transfers", sa.Integer, nullable=False, server_default="0"),
        sa.Column("kiosk", sa.Text),
        sa.Column("rating", sa.SmallInteger),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_tickets_post_day", "tickets", ["post_id", "day", "uplink_id", "issue_seq"])
    op.create_index("ix_tickets_waiting", "tickets", ["post_id", "issued_at"],
                    postgresql_where=sa.text("state = 'waiting'"))
    op.create_table(
        "rollups",
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("issued", sa.Integer, nullable=False, server_default="0"),
        sa.Column("served", sa.Integer, nullable=False, server_default="0"),
        sa.Column("no_show", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cancelled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("open", sa.Integer, nullable=False, server_default="0"),
        sa.Column("waits_priority", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("waits_regular", ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("service_s_sum", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("service_s_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("ratings", ARRAY(sa.Integer), nullable=False, server_default="{0,0,0,0}"),
        sa.PrimaryKeyConstraint("post_id", "day", "service", name="pk_rollups"),
    )
    op.create_index("ix_rollups_day", "rollups", ["day"])
    op.create_table(
        "day_counts",
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # complaint, correction, alert
        sa.Column("key", sa.Text, nullable=False),  # complaint category, service, or ""
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("post_id", "day", "kind", "key", name="pk_day_counts"),
    )
    op.create_index("ix_day_counts_day", "day_counts", ["day"])
    op.create_table(
        "alerts",
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("raised_at", TS, nullable=False),
        sa.Column("oldest_wait_s", sa.Integer),
        sa.Column("limit_s", sa.Integer),
        sa.PrimaryKeyConstraint("post_id", "service", name="pk_alerts"),
    )
    op.create_table(
        "summaries",
        sa.Column("scope", sa.Text, nullable=False),  # a post id, or "" for the whole city
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="1"),
        sa.Column("computed_version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("summary", JSONB),
        sa.PrimaryKeyConstraint("scope", "day", name="pk_summaries"),
    )
    op.create_index("ix_summaries_day", "summaries", ["day"])
    op.create_index("ix_summaries_stale", "summaries", ["day"],
                    postgresql_where=sa.text("computed_version < version"))


def downgrade() -> None:
    for t in ("summaries", "alerts", "day_counts", "rollups", "tickets", "events", "uplinks",
              "tokens", "posts"):
        op.drop_table(t)
