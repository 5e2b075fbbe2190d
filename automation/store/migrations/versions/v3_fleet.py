"""Schema v3, the fleet summary: on `results` the grant each result is about (`grant_field`,
`grant_id`, NULL for results older than the fleet table until `sellerauth fleet` attributes
them) and the `fleet` table, one row per account, grant and job: its latest result, written
in the result's own transaction (automation/store/fleet.py). Made only where missing, as a
SQLite store of the fleet view's first build (v3 before the migrations) already has them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v3"
down_revision = "v2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the grant columns and the fleet table, where missing."""
    have = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("results")}
    for column in ("grant_field", "grant_id"):
        if column not in have:
            op.add_column("results", sa.Column(column, sa.Text))
    op.create_table(
        "fleet",
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("grant_field", sa.Text, nullable=False),
        sa.Column("grant_id", sa.Text, nullable=False),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("run_id", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("error_at", sa.Text),
        sa.Column("checked_at", sa.Text),
        sa.Column("expires_at", sa.Text),
        sa.Column("expires_source", sa.Text),
        sa.Column("expires_read_at", sa.Text),
        sa.Column("lapsed", sa.Integer),
        # The order the rows were written in (commit order), for serve's cache.
        sa.Column("seq", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("account", "grant_field", "grant_id", "command"),
        if_not_exists=True,
    )
    # A fleet table of an early build of the fleet view, before `seq`: gains it.
    if "seq" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("fleet")}:
        op.add_column("fleet", sa.Column("seq", sa.Integer, nullable=False, server_default="0"))
    op.create_index("fleet_by_seq", "fleet", ["seq"], if_not_exists=True)


def downgrade() -> None:
    """Drop the fleet summary (the results keep everything it was made from)."""
    op.drop_index("fleet_by_seq", "fleet")
    op.drop_table("fleet")
    op.drop_column("results", "grant_id")
    op.drop_column("results", "grant_field")
