"""What the SMS channel must remember per number: opt-out, and the options last offered.

Numbers are stored only as salted SHA-256 hashes. SQLite (standard library), one
small file, so a restart loses neither an opt-out nor the meaning of "reply 2".
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import List, Optional

from actions.privacy import pseudonym as number_hash
from clinic import paths



class SmsState:
    def __init__(self, path: Optional[Path] = None) -> None:
        self._path = Path(path or paths.data_dir() / "sms-state.sqlite")
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self._path), check_same_thread=False)
        with self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS opt_out (number TEXT PRIMARY KEY)")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS options (number TEXT PRIMARY KEY, payloads TEXT)")

    def opted_out(self, number: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM opt_out WHERE number = ?",
                                   (number_hash(number),)).fetchone()
        return row is not None

    def set_opted_out(self, number: str, opted_out: bool) -> None:
        with self._lock, self._db:
            if opted_out:
                self._db.execute("INSERT OR IGNORE INTO opt_out VALUES (?)", (number_hash(number),))
            else:
                self._db.execute("DELETE FROM opt_out WHERE number = ?", (number_hash(number),))

    def options(self, number: str) -> List[str]:
        with self._lock:
            row = self._db.execute("SELECT payloads FROM options WHERE number = ?",
                                   (number_hash(number),)).fetchone()
        return json.loads(row[0]) if row else []

    def set_options(self, number: str, payloads: List[str]) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO options VALUES (?, ?)",
                             (number_hash(number), json.dumps(payloads)))
