"""SQLite files, opened one way (the bookings, the conversations, the replicas' lock).

Every file: its folder created, a 5 s wait for a busy file, deleted rows overwritten
(`secure_delete`: "forget me" and the retention job leave nothing readable behind).
Where several processes or a busy event loop write (the conversations, the lock), WAL
mode: a commit does not wait for the disk while everyone else waits.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

BUSY_SECONDS = 5


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


def sqlite_engine(
    url: str, wal: bool = False, kept_open: int = 0, future: bool = True
) -> Engine:
    """A SQLAlchemy engine for a SQLite URL. `wal`: WAL mode with synchronous=NORMAL
    (a crash of the process loses nothing; a power cut may lose the latest commits).
    `kept_open`: a pool of that many connections kept open, shared across threads
    (SQLAlchemy 1.4 otherwise opens one per query on a file). `future`: SQLAlchemy
    2.0's engine API (Rasa's own tracker store still uses the 1.4 one)."""
    path = url.split(":///", 1)[-1] if ":///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    arguments: dict[str, Any] = {"connect_args": {"timeout": BUSY_SECONDS}}
    if kept_open:
        arguments = {
            "poolclass": sa.pool.QueuePool,
            "pool_size": kept_open,
            "max_overflow": 4,
            "connect_args": {"check_same_thread": False, "timeout": BUSY_SECONDS},
        }
    engine = sa.create_engine(url, future=future, **arguments)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        if wal:
            use_wal(dbapi_connection)
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA secure_delete=ON")

    return engine
