"""Alembic environment: run from code (dxdesk.db.engine.migrate) on the connection it is handed."""

from alembic import context

from dxdesk.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # offline / CLI use is not supported: migrations run from dxdesk itself
    raise RuntimeError("dxdesk migrations run from dxdesk.db.engine.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
