"""Schema v2, the baseline: runs, results, audit and intents as the release before the migrations
made them (its SQLite stores have `PRAGMA user_version` 2). Every table and index is made only
where it is missing, so such a store (or an older one, v1, without intents) upgrades in place."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v2"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Make what is missing of schema v2."""
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Text, primary_key=True),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("accounts", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        if_not_exists=True,
    )
    op.create_table(
        "results",
        sa.Column("run_id", sa.Text, sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("seconds", sa.Float),
        sa.Column("data", sa.Text),
        sa.Column("secrets", sa.LargeBinary),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("run_id", "account"),
        if_not_exists=True,
    )
    op.create_index("results_by_account", "results", ["account", "finished_at"], if_not_exists=True)
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("run_id", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("developer_id", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index("audit_by_account", "audit", ["account", "id"], if_not_exists=True)
    op.create_table(
        "intents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("run_id", sa.Text, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("developer_id", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("closed_at", sa.Text),
        sa.Column("closed_by", sa.Text),
        sa.Column("error", sa.Text),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index("intents_open", "intents", ["account", "outcome"], if_not_exists=True)


def downgrade() -> None:
    """Not undone: dropping the baseline would drop the audit trail and the tokens."""
    raise NotImplementedError("the baseline schema is never dropped by a migration")
