"""SQL tracker store configured by one URL (DATABASE_URL), SQLite by default.

Rasa's SQLTrackerStore wants dialect, host, port, db... separately; staff and
deployments have one URL. It also honours "forget me": when a conversation's latest
turn confirmed the request (slot `forget_me` = "confirmed"), every stored event of
that sender, its copy in memory and its SMS state are deleted instead of saved.

Privacy: each event is stored encrypted (clinic/crypto.py: the message text, the
parse data with its health reading, slot values, bot messages, metadata). Only the
conversation id, the event type and its time are in clear, for Rasa's queries; the
intent and action name columns stay empty. SQLite files use secure_delete, so deleted
rows are overwritten, and events older than RETENTION_DAYS are deleted hourly.

Speed: Rasa rebuilds a conversation from its stored rows on every turn (JSON decoding,
then a search of every Event subclass per event), so a turn's cost grew with the
conversation's length. The store keeps the latest session's events of recent
conversations in memory and uses them while the database's newest event of that
conversation is still the one it saved; after a write by another replica it reads the
database as before.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic import crypto, paths, retention
from server import patches
from stores.sms_state import sms_state

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
FORGET_SLOT = "forget_me"
FORGET_CONFIRMED = "confirmed"
PURGE_EVERY_SECONDS = 3600
# Recent conversations kept in memory, bounded by the size of their stored events
# (a 20-turn conversation is about 50 KB): CONVERSATION_CACHE_MB, default 64.
DEFAULT_CACHE_MB = 64
# Set on a tracker this store loaded or saved: how many of its events are stored.
STORED_EVENTS = "_clinic_stored_events"


def retention_days() -> int:
    """RETENTION_DAYS: conversation events older than this are deleted (0 keeps all)."""
    return retention.conversation_days()


def cache_bytes() -> int:
    raw = os.environ.get("CONVERSATION_CACHE_MB", "").strip()
    return int(float(raw) * 1024 * 1024) if raw else DEFAULT_CACHE_MB * 1024 * 1024


def conversations_url() -> str:
    return (
        os.environ.get("TRACKER_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or paths.sqlite_url("conversations.sqlite")
    )


def sqlite_engine(url: str) -> sa.engine.Engine:
    """A few kept-open SQLite connections, committing in WAL mode with
    synchronous=NORMAL.

    Rasa's engine opened a new connection for every query (SQLAlchemy 1.4's default for
    SQLite files), three or four a turn. The server runs every turn on one event-loop
    thread, so a small pool of kept connections serves it. In SQLite's default journal
    mode a commit waits for the disk (two fsyncs) while that loop, and so every other
    conversation, waits too. In WAL mode with synchronous=NORMAL a crash of the server
    loses nothing; only a power cut or an OS crash may lose the latest turns. Bookings
    live in their own store with full durability.
    """
    engine = sa.create_engine(
        url,
        poolclass=sa.pool.QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": 5},
    )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten
        cursor.close()

    return engine


def _event_data(stored: str) -> Any:
    """An event as stored: encrypted (a Fernet token), or plain JSON from before
    encryption was added."""
    return json.loads(
        stored if stored.lstrip().startswith("{") else crypto.decrypt(stored)
    )


def forget_requested(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (since the latest user message) confirmed "forget me"."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if (
            isinstance(event, SlotSet)
            and event.key == FORGET_SLOT
            and event.value == FORGET_CONFIRMED
        ):
            return True
    return False


def latest_session_events(events: Iterable[Event]) -> List[Event]:
    """The events Rasa's SQL store loads for a conversation: from the latest
    SessionStarted's timestamp on (its query's rule), all of them without one."""
    events = list(events)
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    if not starts:
        return events
    start = max(starts)
    return [e for e in events if e.timestamp >= start]


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        # Rasa builds its tracker store in every entry point (run, shell), also when
        # started without this project's launcher: the patches must be in place there
        # too.
        patches.apply()
        parsed = sa.engine.make_url(url or conversations_url())
        dialect = parsed.get_backend_name()
        if dialect == "sqlite":
            database = parsed.database or str(paths.data_dir() / "conversations.sqlite")
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            super().__init__(
                domain=domain, dialect="sqlite", db=database, event_broker=event_broker
            )
            self.engine.dispose()
            self.engine = sqlite_engine(f"sqlite:///{database}")
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        else:
            super().__init__(
                domain=domain,
                dialect="postgresql",
                host=parsed.host,
                port=parsed.port,
                db=parsed.database or "rasa",
                username=parsed.username,
                password=parsed.password,
                event_broker=event_broker,
                query=dict(parsed.query) or None,
            )

        # sender -> (id of its newest stored event, its latest session's events, bytes)
        self._recent: OrderedDict[str, Tuple[int, Tuple[Event, ...], int]] = (
            OrderedDict()
        )
        self._cached_bytes = 0
        self._cache_limit = cache_bytes()
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
                logger.warning(
                    "Retention: could not delete old conversation events this time."
                )

    def purge_older_than(self, days: float) -> int:
        """Delete conversation events older than `days` (the retention setting)."""
        cutoff = time.time() - days * 86400
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.timestamp < cutoff)
                .delete()
            )
            session.commit()
        if deleted:
            self._recent.clear()
            self._cached_bytes = 0
            logger.info(
                "Retention: deleted %d conversation events older than %s days.",
                deleted,
                days,
            )
        return deleted

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        cached = self._recent.get(sender_id)
        if (
            cached
            and self.domain is not None
            and cached[0] == self._newest_event_id(sender_id)
        ):
            self._recent.move_to_end(sender_id)
            # Events are never changed once logged, so trackers may share them.
            tracker = DialogueStateTracker.from_events(
                sender_id, list(cached[1]), self.domain.slots
            )
        else:
            self._drop(sender_id)
            tracker = await super().retrieve(sender_id)
        if tracker is not None:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, plus: the new rows' ids come back from the insert (no query to
        find the newest), and the stored count comes from the load (no count query)."""
        self.purge_if_due()
        if forget_requested(tracker):
            self.forget(tracker.sender_id)
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [
                self._row(tracker.sender_id, event)
                for event in self._additional_events(session, tracker)
            ]
            session.add_all(rows)
            session.flush()  # the rows get their ids (read before commit expires them)
            newest = rows[-1].id if rows else None
            added = sum(len(row.data) for row in rows)
            session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        if (
            newest is not None
        ):  # else the copy in memory, if any, is still the stored one
            self._remember(tracker, newest, added)

    def _additional_events(
        self, session: Any, tracker: DialogueStateTracker
    ) -> Iterable[Event]:
        """Events not stored yet. A tracker this store loaded knows how many of its
        events are stored (the conversation is locked for the turn, so nothing else
        wrote); any other tracker is counted in the database, as Rasa does."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _row(self, sender_id: str, event: Event) -> Any:
        """The row Rasa's SQLTrackerStore.save writes for an event, with the event
        encrypted and no intent or action name in clear."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=None,
            action_name=None,
            data=crypto.encrypt(json.dumps(data)),
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Rasa's SQLTrackerStore._retrieve, decrypting each event."""
        with self.session_scope() as session:
            rows = self._event_query(
                session,
                sender_id,
                fetch_events_from_all_sessions=fetch_events_from_all_sessions,
            ).all()
            events = [_event_data(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _newest_event_id(self, sender_id: str) -> Optional[int]:
        with self.session_scope() as session:
            return (
                session.query(sa.func.max(self.SQLEvent.id))
                .filter(self.SQLEvent.sender_id == sender_id)
                .scalar()
            )

    def _remember(self, tracker: DialogueStateTracker, newest: int, added: int) -> None:
        """Keep the latest session in memory; `added` bytes were just stored. The first
        time, the size is estimated from the events (their stored size, unencrypted)."""
        sender = tracker.sender_id
        events = tuple(latest_session_events(tracker.events))
        previous = self._recent.get(sender)
        if previous is not None and len(previous[1]) <= len(events):
            size = previous[2] + added
        else:
            size = sum(len(json.dumps(e.as_dict())) for e in events)
        self._drop(sender)
        self._recent[sender] = (newest, events, size)
        self._cached_bytes += size
        while self._cached_bytes > self._cache_limit and len(self._recent) > 1:
            oldest = next(iter(self._recent))
            self._drop(oldest)

    def _drop(self, sender_id: str) -> None:
        cached = self._recent.pop(sender_id, None)
        if cached is not None:
            self._cached_bytes -= cached[2]

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of one conversation, its copy in memory and the
        SMS channel's state for it."""
        self._drop(sender_id)
        sms_state().forget(sender_id)
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete()
            )
            session.commit()
        logger.info("Forgot a conversation on request (%d events deleted).", deleted)
        return deleted
