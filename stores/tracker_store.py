"""SQL tracker store configured by one URL (DATABASE_URL), SQLite by default.

Rasa's SQLTrackerStore wants dialect, host, port, db... separately; staff and
deployments have one URL. It also honours "forget me": when a conversation's latest
turn confirmed the request (slot `forget_me` = "confirmed"), every stored event of
that sender is deleted instead of saved.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / '.rasa' / 'conversations.sqlite'}"
FORGET_SLOT = "forget_me"
FORGET_CONFIRMED = "confirmed"
DEFAULT_RETENTION_DAYS = 90
PURGE_EVERY_SECONDS = 3600


def retention_days() -> int:
    """RETENTION_DAYS: conversation events older than this are deleted (0 keeps all)."""
    raw = os.environ.get("RETENTION_DAYS", "").strip()
    return int(raw) if raw else DEFAULT_RETENTION_DAYS


def conversations_url() -> str:
    return os.environ.get("TRACKER_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL


def commit_without_waiting_for_the_disk(engine: sa.engine.Engine) -> None:
    """SQLite in WAL mode with synchronous=NORMAL.

    Every turn commits. In SQLite's default journal mode a commit waits for the disk
    (two fsyncs) while Rasa's event loop, and so every other conversation, waits too.
    In WAL mode with synchronous=NORMAL a crash of the server loses nothing; only a power
    cut or an OS crash may lose the latest turns. Bookings live in their own store with
    full durability.
    """
    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()  # connections opened while creating the tables get the pragmas too


def forget_requested(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (since the latest user message) confirmed "forget me"."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, SlotSet) and event.key == FORGET_SLOT \
                and event.value == FORGET_CONFIRMED:
            return True
    return False


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, host: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, url: Optional[Text] = None,
                 **kwargs: Any) -> None:
        parsed = sa.engine.make_url(url or conversations_url())
        dialect = parsed.get_backend_name()
        if dialect == "sqlite":
            database = parsed.database or str(ROOT / ".rasa" / "conversations.sqlite")
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            super().__init__(domain=domain, dialect="sqlite", db=database,
                             event_broker=event_broker)
            commit_without_waiting_for_the_disk(self.engine)
        else:
            super().__init__(domain=domain, dialect="postgresql", host=parsed.host,
                             port=parsed.port, db=parsed.database or "rasa",
                             username=parsed.username, password=parsed.password,
                             event_broker=event_broker, query=dict(parsed.query) or None)

        self._last_purge = 0.0
        self.purge_if_due()

    def purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        days = retention_days()
        if days > 0:
            try:
                self.purge_older_than(days)
            except sa.exc.SQLAlchemyError:
                logger.warning("Retention: could not delete old conversation events this time.")

    def purge_older_than(self, days: float) -> int:
        """Delete conversation events older than `days` (the retention setting)."""
        cutoff = time.time() - days * 86400
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.timestamp < cutoff).delete()
            session.commit()
        if deleted:
            logger.info("Retention: deleted %d conversation events older than %s days.",
                        deleted, days)
        return deleted

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.purge_if_due()
        if forget_requested(tracker):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def forget(self, sender_id: Text) -> int:
        """Delete every stored event of one conversation."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(
                self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        logger.info("Forgot a conversation on request (%d events deleted).", deleted)
        return deleted
