"""What the SMS channel remembers per conversation: opt-out, and the options last
offered.

Keyed by the SMS conversation id (`sms:` and a keyed hash of the number,
clinic/privacy.py), never by the number. SQLite (standard library), one small file in
the data folder, so a restart loses neither an opt-out nor the meaning of "reply 2".
"Forget me" removes a conversation's rows (stores/tracker_store.py calls `forget`);
secure_delete overwrites what is deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from functools import cache
from pathlib import Path
from typing import List, Optional

from clinic import paths


class SmsState:
    def __init__(self, path: Optional[Path] = None) -> None:
        self._path = Path(path or paths.data_dir() / "sms-state.sqlite")
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self._path), check_same_thread=False)
        with self._db:
            self._db.execute("PRAGMA secure_delete = ON")
            # the first version keyed rows by an unkeyed hash of the number, which no
            # longer matches any conversation id: those rows are dropped
            self._db.execute("DROP TABLE IF EXISTS opt_out_by_number")
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(opt_out)")}
            if "number" in columns:
                self._db.execute("DROP TABLE opt_out")
                self._db.execute("DROP TABLE IF EXISTS options")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS opt_out (conversation TEXT PRIMARY KEY)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS options (conversation TEXT PRIMARY KEY, "
                "payloads TEXT)"
            )
            # the booking whose reminder was the last text this number got, so a "C"
            # or "X" back is read as the answer to it (scripts/reminders.py writes it)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS reminder (conversation TEXT PRIMARY KEY, "
                "reference TEXT)"
            )
        self._path.chmod(0o600)

    def opted_out(self, conversation: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM opt_out WHERE conversation = ?", (conversation,)
            ).fetchone()
        return row is not None

    def set_opted_out(self, conversation: str, opted_out: bool) -> None:
        with self._lock, self._db:
            if opted_out:
                self._db.execute(
                    "INSERT OR IGNORE INTO opt_out VALUES (?)", (conversation,)
                )
            else:
                self._db.execute(
                    "DELETE FROM opt_out WHERE conversation = ?", (conversation,)
                )

    def options(self, conversation: str) -> List[str]:
        with self._lock:
            row = self._db.execute(
                "SELECT payloads FROM options WHERE conversation = ?", (conversation,)
            ).fetchone()
        return list(json.loads(row[0])) if row else []

    def set_options(self, conversation: str, payloads: List[str]) -> None:
        """The options the latest answer offered ("Reply 1 for ..."); none: no row."""
        with self._lock, self._db:
            if not payloads:
                self._db.execute(
                    "DELETE FROM options WHERE conversation = ?", (conversation,)
                )
                return
            self._db.execute(
                "INSERT OR REPLACE INTO options VALUES (?, ?)",
                (conversation, json.dumps(payloads)),
            )

    def reminder(self, conversation: str) -> Optional[str]:
        """The booking reference of the reminder this number got last, if it has not
        been answered or followed by a conversation since."""
        with self._lock:
            row = self._db.execute(
                "SELECT reference FROM reminder WHERE conversation = ?", (conversation,)
            ).fetchone()
        return str(row[0]) if row else None

    def set_reminder(self, conversation: str, reference: Optional[str]) -> None:
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM reminder WHERE conversation = ?", (conversation,)
            )
            if reference:
                self._db.execute(
                    "INSERT INTO reminder VALUES (?, ?)", (conversation, reference)
                )

    def forget(self, conversation: str) -> None:
        """Remove everything kept for this conversation."""
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM reminder WHERE conversation = ?", (conversation,)
            )
            self._db.execute(
                "DELETE FROM opt_out WHERE conversation = ?", (conversation,)
            )
            self._db.execute(
                "DELETE FROM options WHERE conversation = ?", (conversation,)
            )


@cache
def sms_state(path: Optional[Path] = None) -> SmsState:
    """One state per file and process (the SMS channel and the tracker store share
    it)."""
    return SmsState(path)
