"""The conversation store: Rasa's SQL tracker store, configured by one URL, storing
each event encrypted, keeping recent conversations in memory, and honouring "forget
me". Each of those lives in its own module; this class only puts them together:

- where and how: stores/conversation_db.py (DATABASE_URL, SQLite by default, kept-open
  SQLite connections);
- what a row holds: stores/event_rows.py (the event encrypted, nothing in clear but the
  conversation id, the event type and its time);
- speed: stores/conversation_cache.py (recent conversations in memory);
- "forget me": stores/forget.py (a confirmed request deletes instead of saving);
- retention: `purge_older_than`, which the one retention job calls
  (services/retention.py).
"""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from stores.conversation_cache import RecentConversations
from stores.conversation_db import conversations_url, store_arguments, use_sqlite_engine
from stores.event_rows import encrypted_row, event_data
from stores.forget import forget_requested
from stores.sms_state import sms_state

logger = logging.getLogger(__name__)
# Set on a tracker this store loaded or saved: how many of its events are stored.
STORED_EVENTS = "_clinic_stored_events"


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        arguments = store_arguments(url or conversations_url())
        super().__init__(domain=domain, event_broker=event_broker, **arguments)
        if arguments["dialect"] == "sqlite":
            use_sqlite_engine(self, arguments["db"])
        self._recent = RecentConversations()

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
            logger.info(
                "Retention: deleted %d conversation events older than %s days.",
                deleted,
                days,
            )
        return deleted

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        events = (
            self._recent.events(
                sender_id,
                lambda: self._newest_event_id(sender_id),
                lambda after: self._events_after(sender_id, after),
            )
            if self.domain is not None
            else None
        )
        if events is not None:
            tracker = DialogueStateTracker.from_events(
                sender_id, events, self.domain.slots
            )
        else:
            tracker = await super().retrieve(sender_id)
        if tracker is not None:
            setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        """A new conversation's tracker (Rasa calls this only after `retrieve` found no
        stored events, under the conversation's lock): nothing of it is stored yet,
        so its first save needs no count query."""
        tracker = super().init_tracker(sender_id)
        setattr(tracker, STORED_EVENTS, 0)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, plus: rows inserted through SQLAlchemy Core in one
        transaction, their ids come back from the insert (no query to find the
        newest), and the stored count comes from the load (no count query). Rasa's
        ORM session cost a tenth of a turn's CPU. A turn that confirmed "forget me"
        deletes the conversation instead."""
        if forget_requested(tracker):
            self.forget(tracker.sender_id)
            return
        await self.stream_events(tracker)
        rows = [
            encrypted_row(tracker.sender_id, event)
            for event in self._unsaved_events(tracker)
        ]
        newest = None
        if rows:
            insert = self.SQLEvent.__table__.insert()
            with self.engine.begin() as connection:
                for row in rows:
                    newest = connection.execute(insert, row).inserted_primary_key[0]
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        if newest is not None:  # else the copy in memory, if any, is still current
            added = sum(len(row["data"]) for row in rows)
            self._recent.remember(tracker.sender_id, tracker.events, newest, added)

    def _unsaved_events(self, tracker: DialogueStateTracker) -> List[Event]:
        """Events not stored yet. A tracker this store loaded knows how many of its
        events are stored (the conversation is locked for the turn, so nothing else
        wrote); any other tracker is counted in the database, as Rasa does."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:
            with self.session_scope() as session:
                return list(self._additional_events(session, tracker))
        return list(itertools.islice(tracker.events, stored, len(tracker.events)))

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
            events = [event_data(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _newest_event_id(self, sender_id: str) -> Optional[int]:
        """One indexed query (Core, no ORM session): is the copy in memory current?"""
        events = self.SQLEvent.__table__
        query = sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sender_id
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def _events_after(self, sender_id: str, after: int) -> List[Tuple[int, Event, int]]:
        """(id, event, stored bytes) of the conversation's events stored after event
        `after`, oldest first: what another replica added since this one kept it."""
        events = self.SQLEvent.__table__
        query = (
            sa.select(events.c.id, events.c.data)
            .where(events.c.sender_id == sender_id, events.c.id > after)
            .order_by(events.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            (row.id, Event.from_parameters(event_data(row.data)), len(row.data))
            for row in rows
        ]

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of one conversation, its copy in memory and the
        SMS channel's state for it (stores/forget.py)."""
        self._recent.drop(sender_id)
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
