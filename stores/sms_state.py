"""What the SMS channel remembers per conversation: opt-out, the options last offered,
and the reminder a number was last sent.

In the database the bookings use (DATABASE_URL: PostgreSQL shared by every machine;
else the SQLite file of the data folder), so with several machines behind one Twilio
number a STOP received by one stops the reminders another sends, and a "2" means the
option the other machine offered. Keyed by the SMS conversation id (`sms:` and a keyed
hash of the number, clinic/privacy.py), never by the number; the offered options (a
button may name a condition) are encrypted like the conversations. "Forget me" removes
a conversation's rows (stores/tracker_store.py calls `forget`).

Rows kept by the first version in a local file (`sms-state.sqlite` in the data folder)
are moved here once, at the first start, and the file is removed.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from functools import cache
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from clinic import crypto, paths
from clinic.booking.store import database_url, make_engine

logger = logging.getLogger(__name__)
LOCAL_FILE = "sms-state.sqlite"  # the first version's own file

metadata = sa.MetaData()
opt_outs = sa.Table(
    "clinic_sms_opt_outs",
    metadata,
    sa.Column("conversation", sa.String(80), primary_key=True),
)
offered = sa.Table(
    "clinic_sms_options",
    metadata,
    sa.Column("conversation", sa.String(80), primary_key=True),
    sa.Column("payloads", sa.Text, nullable=False),  # encrypted JSON list
)
reminded = sa.Table(
    "clinic_sms_reminders",
    metadata,
    sa.Column("conversation", sa.String(80), primary_key=True),
    sa.Column("reference", sa.String(16), nullable=False),
)


class SmsState:
    def __init__(
        self, url: Optional[str] = None, data_dir: Optional[Path] = None
    ) -> None:
        self.engine = make_engine(url or database_url())
        self._data_dir = data_dir
        self._ready = False
        self._lock = threading.Lock()

    def _schema(self) -> None:
        """The tables (once per process; another machine creating them at the same
        moment is fine), then the first version's local rows moved in."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            for attempt in range(3):
                try:
                    metadata.create_all(self.engine, checkfirst=True)
                    break
                except (IntegrityError, OperationalError, ProgrammingError):
                    if attempt == 2:
                        raise
            self._ready = True  # before the move, which writes through these methods
            self._move_local_rows()

    def _move_local_rows(self) -> None:
        local = (self._data_dir or paths.data_dir()) / LOCAL_FILE
        if not local.exists():
            return
        old = sqlite3.connect(str(local))
        try:
            tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
            rows = {
                name: old.execute(f"SELECT * FROM {name}").fetchall()  # noqa: S608
                for name in ("opt_out", "options", "reminder")
                if name in tables
            }
        finally:
            old.close()
        for (conversation,) in rows.get("opt_out", []):
            self.set_opted_out(conversation, True)
        for conversation, payloads in rows.get("options", []):
            self.set_options(conversation, list(json.loads(payloads)))
        for conversation, reference in rows.get("reminder", []):
            self.set_reminder(conversation, reference)
        local.unlink()
        logger.info("SMS state moved from %s into the database.", LOCAL_FILE)

    def opted_out(self, conversation: str) -> bool:
        self._schema()
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(opt_outs.c.conversation).where(
                    opt_outs.c.conversation == conversation
                )
            ).first()
        return found is not None

    def set_opted_out(self, conversation: str, opted_out: bool) -> None:
        self._schema()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    opt_outs.delete().where(opt_outs.c.conversation == conversation)
                )
                if opted_out:
                    conn.execute(opt_outs.insert().values(conversation=conversation))
        except IntegrityError:
            pass  # another machine wrote the same opt-out at the same moment

    def options(self, conversation: str) -> List[str]:
        self._schema()
        with self.engine.connect() as conn:
            stored = conn.execute(
                sa.select(offered.c.payloads).where(
                    offered.c.conversation == conversation
                )
            ).scalar()
        return list(json.loads(crypto.decrypt(stored))) if stored else []

    def set_options(self, conversation: str, payloads: List[str]) -> None:
        """The options the latest answer offered ("Reply 1 for ..."); none: no row."""
        self._schema()
        with self.engine.begin() as conn:
            conn.execute(offered.delete().where(offered.c.conversation == conversation))
            if payloads:
                conn.execute(
                    offered.insert().values(
                        conversation=conversation,
                        payloads=crypto.encrypt(json.dumps(payloads)),
                    )
                )

    def reminder(self, conversation: str) -> Optional[str]:
        """The booking reference of the reminder this number got last, if it has not
        been answered or followed by a conversation since."""
        self._schema()
        with self.engine.connect() as conn:
            reference = conn.execute(
                sa.select(reminded.c.reference).where(
                    reminded.c.conversation == conversation
                )
            ).scalar()
        return str(reference) if reference else None

    def set_reminder(self, conversation: str, reference: Optional[str]) -> None:
        self._schema()
        with self.engine.begin() as conn:
            conn.execute(
                reminded.delete().where(reminded.c.conversation == conversation)
            )
            if reference:
                conn.execute(
                    reminded.insert().values(
                        conversation=conversation, reference=reference
                    )
                )

    def forget(self, conversation: str) -> None:
        """Remove everything kept for this conversation."""
        self._schema()
        with self.engine.begin() as conn:
            for table in (opt_outs, offered, reminded):
                conn.execute(table.delete().where(table.c.conversation == conversation))


@cache
def sms_state(url: Optional[str] = None) -> SmsState:
    """One state per database and process (the SMS channel, the tracker store and the
    reminder sender share it)."""
    return SmsState(url)
