"""Database engines: SQLite with WAL and immediate write transactions, or any SQLAlchemy URL.

:func:`reading` and :func:`writing` open the store's transactions. Given the caller, they first
check in the same transaction that the caller is still signed in (:func:`klynge.store.live.check_live`),
so this one place ends every read and write of a person who logged out, lost their key or was erased.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from ..errors import MissingDependency, SettingsError
from .live import check_live

__all__ = ["make_engine", "reading", "writing"]

_WRITE = "klynge_write"


def make_engine(url: str, *, nullpool: bool = False) -> Engine:
    """An engine for ``url``.

    SQLite files get WAL, a busy timeout, foreign keys and ``BEGIN IMMEDIATE`` for writes, so
    concurrent writers queue instead of failing half-way. ``nullpool`` opens a connection per
    use, which app kernels want so that many kernels do not exhaust a server's connections.
    """
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingDependency(
                "PostgreSQL support needs psycopg: pip install 'klynge[postgres]'"
            ) from None
    kwargs = {"poolclass": NullPool} if nullpool else {}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            raise SettingsError("Klynge needs a SQLite file, not an in-memory database")
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event, not the driver, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection):
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def writing(engine: Engine, who=None) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any error.

    With ``who`` (an :class:`~klynge.store.access.Identity`), the transaction starts by checking
    that the caller is still signed in; :class:`~klynge.errors.SessionEnded` when not.
    """
    with engine.connect() as connection:
        connection = connection.execution_options(**{_WRITE: True})
        with connection.begin():
            check_live(connection, who)
            yield connection


@contextmanager
def reading(engine: Engine, who=None) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot for the block, checked for ``who`` as :func:`writing` does."""
    with engine.connect() as connection:
        with connection.begin():
            check_live(connection, who)
            yield connection
