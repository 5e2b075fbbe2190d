"""Schema v4: on `results`, who each run was signed in as (`identity`: the account profile's
session identity as JSON; NULL for results written before, which serve any identity). Added
only where missing, as a SQLite store of the build before the migrations may have it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v4"
down_revision = "v3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `results.identity`, where missing."""
    if "identity" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("results")}:
        op.add_column("results", sa.Column("identity", sa.Text))


def downgrade() -> None:
    """Drop `results.identity`."""
    op.drop_column("results", "identity")
