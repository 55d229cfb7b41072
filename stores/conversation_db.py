"""Where conversations are stored: one URL, and the SQLite connections for it.

DATABASE_URL (or TRACKER_DATABASE_URL) names the database, SQLite in the data folder
by default. Rasa's SQLTrackerStore wants dialect, host, port and db separately;
`store_arguments` turns the URL into those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa

from clinic import paths
from clinic import sqlite as clinic_sqlite
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


def sqlite_engine(database: str) -> sa.engine.Engine:
    """A few kept-open SQLite connections, committing in WAL mode with
    synchronous=NORMAL (clinic/sqlite.py).

    Rasa's engine opened a new connection for every query (SQLAlchemy 1.4's default for
    SQLite files), three or four a turn. The server runs every turn on one event-loop
    thread, so a small pool of kept connections serves it. In SQLite's default journal
    mode a commit waits for the disk (two fsyncs) while that loop, and so every other
    conversation, waits too. In WAL mode with synchronous=NORMAL a crash of the server
    loses nothing; only a power cut or an OS crash may lose the latest turns. Bookings
    live in their own store with full durability.
    """
    return clinic_sqlite.sqlite_engine(
        f"sqlite:///{database}", wal=True, kept_open=2, future=False
    )


def use_sqlite_engine(store: Any, database: str) -> None:
    """Give a SQLTrackerStore the kept-open SQLite engine. Rasa creates its own engine
    inside SQLTrackerStore.__init__, with no parameter or hook to pass one in, so it
    is replaced right after (before any conversation is read)."""
    store.engine.dispose()
    store.engine = sqlite_engine(database)
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
