"""Alembic's environment: the migrations run on the connection the store opened
(`automation.store.migrate.upgrade`), in one transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
