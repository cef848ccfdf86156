"""Alembic, driven from code: the only way the schema changes.

`cs-handbook db upgrade` and the tests call these; the revisions live in
`cs_handbook/alembic/versions`, date-prefixed, and never import the models.
"""

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# Tables the models do not describe: full-text indexes (SQLite FTS5 virtual
# tables and their shadow tables) are created by migrations by hand.
UNMANAGED_TABLE_PREFIXES = ("fts_",)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "cs_handbook:alembic")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(url))


def is_at_head(engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
