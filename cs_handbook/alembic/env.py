"""Alembic environment: migrate the database named by `sqlalchemy.url`."""

from alembic import context

from cs_handbook.migrations import UNMANAGED_TABLE_PREFIXES
from cs_handbook.models import Base, get_engine
from cs_handbook.models.meta import UTCDateTime

config = context.config


def include_name(name, type_, parent_names):
    if type_ == "table":
        return not name.startswith(UNMANAGED_TABLE_PREFIXES)
    return True


def render_item(type_, obj, autogen_context):
    # Revisions must not import the application: UTCDateTime is a plain
    # DateTime to the database.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online():
    engine = get_engine({"sqlalchemy.url": config.get_main_option("sqlalchemy.url")})
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_name=include_name,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
run_migrations_online()
