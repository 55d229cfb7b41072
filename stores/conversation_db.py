"""Where conversations are stored: one URL, and the SQLite connections for it.

DATABASE_URL (or TRACKER_DATABASE_URL) names the database, SQLite in the data folder
by default. Rasa's SQLTrackerStore wants dialect, host, port and db separately;
`store_arguments` turns the URL into those.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa

from clinic import paths
from clinic.settings import settings


def conversations_url() -> str:
    return (
        settings().tracker_database_url
        or settings().database_url
        or paths.sqlite_url("conversations.sqlite")
    )


def store_arguments(url: str) -> Dict[str, Any]:
    """SQLTrackerStore's keyword arguments for a database URL (SQLite's folder is
    created)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or str(paths.data_dir() / "conversations.sqlite")
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        return {"dialect": "sqlite", "db": database}
    return {
        "dialect": "postgresql",
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database or "rasa",
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


def use_wal(connection: Any, seconds: float = 10.0) -> None:
    """Put a SQLite file in WAL mode. Changing the journal mode does not wait for a
    busy file: two replicas opening a new data folder at once made one of them fail
    with "database is locked". So it is retried for a while (once a file is in WAL
    mode, the call finds it so at once)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def sqlite_engine(database: str) -> sa.engine.Engine:
    """A few kept-open SQLite connections, committing in WAL mode with
    synchronous=NORMAL.

    Rasa's engine opened a new connection for every query (SQLAlchemy 1.4's default for
    SQLite files), three or four a turn. The server runs every turn on one event-loop
    thread, so a small pool of kept connections serves it. In SQLite's default journal
    mode a commit waits for the disk (two fsyncs) while that loop, and so every other
    conversation, waits too. In WAL mode with synchronous=NORMAL a crash of the server
    loses nothing; only a power cut or an OS crash may lose the latest turns. Bookings
    live in their own store with full durability. Deleted rows are overwritten
    (secure_delete).
    """
    engine = sa.create_engine(
        f"sqlite:///{database}",
        poolclass=sa.pool.QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": 5},
    )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        use_wal(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten
        cursor.close()

    return engine


def use_sqlite_engine(store: Any, database: str) -> None:
    """Give a SQLTrackerStore the kept-open SQLite engine. Rasa creates its own engine
    inside SQLTrackerStore.__init__, with no parameter or hook to pass one in, so it
    is replaced right after (before any conversation is read)."""
    store.engine.dispose()
    store.engine = sqlite_engine(database)
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
