"""Alembic's environment for Klynge: runs on the connection the store hands in."""

from alembic import context

from klynge.store.schema import metadata
from klynge.store.search import SEARCH_TABLES

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # the full-text index is kept by klynge.store.search, not modelled in the schema
    include_name=lambda name, kind, _parent: not (kind == "table" and name in SEARCH_TABLES),
)
with context.begin_transaction():
    context.run_migrations()
