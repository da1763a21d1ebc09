"""The SKM survey at the city (PermenPANRB 14/2017): each post's ``survey.submitted``
answers, once per ticket, and per post and day the totals the IKM is computed from.

- ``skm_answers``: one row per surveyed ticket (its nine scores in antrean.skm.ELEMENT_IDS
  order). Keyed by the ticket: a hub database restored from a backup sends its whole log
  again as a new instance, and a resident's survey must still count once.
- ``skm_rollups``: per post and day, respondents ``n`` and each element's total score
  (``sums``, ELEMENT_IDS order), added to on ingest; antrean.skm.summary_from_totals turns
  them into the IKM. Totals add up across posts and days, so the city's IKM is that of all
  its respondents, never a mean of the posts' IKM.

Surveys already in the raw log (they reached the city before it read them) are carried
into both tables here, and every cached day summary is marked for recomputation (they
lack the ``skm`` block). That reads the ``events`` table once (about a minute for a city
year); the summaries are recomputed afterwards, as they are read or by the refresher.

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None

# antrean.skm.ELEMENT_IDS as it was when this revision was written (a migration must not
# change with the code that comes after it).
ELEMENT_IDS = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi",
               "perilaku", "pengaduan", "sarana")

_SCORES = ", ".join(f"(a->>'{e}')::smallint" for e in ELEMENT_IDS)
_KNOWN = "ARRAY[" + ", ".join(f"'{e}'" for e in ELEMENT_IDS) + "]"
_SUMS = ", ".join(f"sum(scores[{i}])" for i in range(1, len(ELEMENT_IDS) + 1))

# What antrean.skm.check_answers accepts: the nine elements, nothing else, each 1-4.
_BACKFILL = f"""
INSERT INTO skm_answers (ticket_id, post_id, day, uplink_id, seq, scores)
SELECT e.ticket_id, u.post_id,
       (e.at AT TIME ZONE CASE WHEN p.timezone IN (SELECT name FROM pg_timezone_names)
                               THEN p.timezone ELSE 'Asia/Jakarta' END)::date,
       e.uplink_id, e.seq, ARRAY[{_SCORES}]
FROM events e JOIN uplinks u ON u.id = e.uplink_id JOIN posts p ON p.id = u.post_id
     CROSS JOIN LATERAL (SELECT e.data::jsonb -> 'answers' AS a) x
WHERE e.type = 'survey.submitted' AND e.ticket_id IS NOT NULL
  AND jsonb_typeof(a) = 'object'
  AND (SELECT count(*) = {len(ELEMENT_IDS)}
              AND bool_and(k = ANY({_KNOWN}) AND v::text IN ('1', '2', '3', '4'))
       FROM jsonb_each(a) AS j(k, v))
ORDER BY e.uplink_id, e.seq
ON CONFLICT (ticket_id) DO NOTHING
"""


def upgrade() -> None:
    op.create_table(
        "skm_answers",
        sa.Column("ticket_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("uplink_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("scores", ARRAY(sa.SmallInteger), nullable=False),
    )
    op.create_table(
        "skm_rollups",
        sa.Column("post_id", sa.Text, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("sums", ARRAY(sa.Integer), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "day", name="pk_skm_rollups"),
    )
    op.create_index("ix_skm_rollups_day", "skm_rollups", ["day"])
    op.execute(_BACKFILL)
    op.execute(f"INSERT INTO skm_rollups (post_id, day, n, sums) SELECT post_id, day, "
               f"count(*), ARRAY[{_SUMS}] FROM skm_answers GROUP BY post_id, day")
    op.execute("INSERT INTO summaries AS s (scope, day) "
               "SELECT post_id, day FROM skm_rollups UNION SELECT '', day FROM skm_rollups "
               "ON CONFLICT (scope, day) DO UPDATE SET version = s.version + 1")
    # Every other cached day lacks the new ``skm`` fields: recomputed when next read (or
    # by the server's refresher), so every day of /stats and /trend has the same shape.
    op.execute("UPDATE summaries SET version = version + 1 "
               "WHERE summary IS NOT NULL AND NOT summary ? 'skm'")


def downgrade() -> None:
    op.drop_table("skm_rollups")
    op.drop_table("skm_answers")
