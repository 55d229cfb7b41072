"""Recent conversations kept in memory, so a turn does not rebuild its conversation
from the database.

Rasa rebuilds a conversation from its stored rows on every turn (JSON decoding, then a
search of every Event subclass per event), so a turn's cost grew with the
conversation's length. The store keeps the latest session's events of recent
conversations here and uses them while the database's newest event of that
conversation is still the one it saved; after a write by another replica it reads
only the events stored since (events are never changed once stored), and the whole
conversation as before when it shrank (forgotten, purged). Bounded by the size of the
stored events (a 20-turn conversation is about 50 KB): CONVERSATION_CACHE_MB, default
64.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Callable, Iterable, List, Optional, Tuple

from rasa.shared.core.events import Event, SessionStarted

from clinic.settings import settings


def cache_bytes() -> int:
    return int(settings().conversation_cache_mb * 1024 * 1024)


def latest_session_events(events: Iterable[Event]) -> List[Event]:
    """The events Rasa's SQL store loads for a conversation: from the latest
    SessionStarted's timestamp on (its query's rule), all of them without one."""
    events = list(events)
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    if not starts:
        return events
    start = max(starts)
    return [e for e in events if e.timestamp >= start]


class RecentConversations:
    """sender -> (id of its newest stored event, its latest session's events, bytes),
    least recently used first."""

    def __init__(self, limit_bytes: Optional[int] = None) -> None:
        self._recent: OrderedDict[str, Tuple[int, Tuple[Event, ...], int]] = (
            OrderedDict()
        )
        self._bytes = 0
        self._limit = cache_bytes() if limit_bytes is None else limit_bytes

    def events(
        self,
        sender: str,
        newest_stored: Callable[[], Optional[int]],
        stored_after: Callable[[int], List[Tuple[int, Event, int]]],
    ) -> Optional[List[Event]]:
        """The conversation's latest session, if kept: as kept while the database's
        newest event (asked only when some are kept) is still the one kept; with the
        events stored since (`stored_after(id)`: (id, event, bytes) rows) when
        another replica wrote; else None, and nothing is kept (it shrank)."""
        cached = self._recent.get(sender)
        newest = newest_stored() if cached is not None else None
        if cached is None or newest is None or newest < cached[0]:
            self.drop(sender)
            return None
        if newest != cached[0]:
            rows = stored_after(cached[0])
            if not rows:
                self.drop(sender)
                return None
            self.remember(
                sender,
                [*cached[1], *(event for _, event, _ in rows)],
                rows[-1][0],
                sum(size for _, _, size in rows),
            )
            cached = self._recent[sender]
        self._recent.move_to_end(sender)
        return list(cached[1])  # events are never changed once logged: shared

    def remember(
        self, sender: str, events: Iterable[Event], newest: int, added: int
    ) -> None:
        """Keep the latest session; `added` bytes were just stored. The first time,
        the size is estimated from the events (their stored size, unencrypted)."""
        session = tuple(latest_session_events(events))
        previous = self._recent.get(sender)
        if previous is not None and len(previous[1]) <= len(session):
            size = previous[2] + added
        else:
            size = sum(len(json.dumps(e.as_dict())) for e in session)
        self.drop(sender)
        self._recent[sender] = (newest, session, size)
        self._bytes += size
        while self._bytes > self._limit and len(self._recent) > 1:
            self.drop(next(iter(self._recent)))

    def drop(self, sender: str) -> None:
        cached = self._recent.pop(sender, None)
        if cached is not None:
            self._bytes -= cached[2]

    def clear(self) -> None:
        self._recent.clear()
        self._bytes = 0
