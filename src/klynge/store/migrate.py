"""Schema migrations with Alembic, run on the store's own engine."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

__all__ = ["SCHEMA_VERSION", "current_version", "head_version", "upgrade"]

_SCRIPTS = Path(__file__).resolve().parent / "migrations"

# The newest migration in migrations/versions; a test checks they agree. Kept as a constant so
# that opening a store (in every app kernel) does not load Alembic and read every migration.
SCHEMA_VERSION = "0015"


def _config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_version() -> str:
    """The newest schema version this Klynge knows."""
    return SCHEMA_VERSION


def scripts_head() -> str:
    """The head of the migration scripts, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_version(engine: Engine) -> str | None:
    """The schema version of the database, or None for an empty one."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to ``target``. On SQLite foreign keys are off while tables are rebuilt."""
    from alembic import command

    config = _config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite honours it
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
