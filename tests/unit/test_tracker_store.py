"""The conversation store: one URL, retention, and "forget me"."""

import asyncio
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.tracker_store import ClinicTrackerStore

DOMAIN = Domain.from_dict(
    {"slots": {"forget_me": {"type": "text", "mappings": [{"type": "custom"}]}}}
)


def tracker(sender, events):
    return DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)


def test_events_older_than_the_retention_are_deleted(tmp_path, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "0")  # no purge while setting up
    store = ClinicTrackerStore(domain=DOMAIN, url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    old = time.time() - 40 * 86400
    asyncio.run(
        store.save(
            tracker(
                "old",
                [
                    UserUttered("hi", timestamp=old),
                    ActionExecuted("utter_greet", timestamp=old + 1),
                ],
            )
        )
    )
    asyncio.run(store.save(tracker("new", [UserUttered("hi")])))
    assert store.purge_older_than(30) == 2
    assert asyncio.run(store.retrieve("old")) is None
    assert len(asyncio.run(store.retrieve("new")).events) == 1


def test_a_confirmed_forget_me_deletes_instead_of_saving(tmp_path):
    store = ClinicTrackerStore(domain=DOMAIN, url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    events = [UserUttered("what should I wear?"), ActionExecuted("utter_faq")]
    asyncio.run(store.save(tracker("me", events)))
    asyncio.run(
        store.save(
            tracker(
                "me", events + [UserUttered("yes"), SlotSet("forget_me", "confirmed")]
            )
        )
    )
    assert asyncio.run(store.retrieve("me")) is None


def test_sqlite_conversations_commit_in_wal_mode_and_survive_a_new_store(tmp_path):
    """WAL keeps commits off the disk's critical path; a new store (a restarted server)
    still reads every saved turn."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    asyncio.run(
        store.save(tracker("me", [UserUttered("hi"), ActionExecuted("utter_greet")]))
    )
    with sqlite3.connect(tmp_path / "c.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    restarted = ClinicTrackerStore(domain=DOMAIN, url=url)
    assert [
        e.as_dict()["event"] for e in asyncio.run(restarted.retrieve("me")).events
    ] == [
        "user",
        "action",
    ]


def _turns(store, sender, texts):
    """One turn per text, each on the tracker the store gives back (as Rasa does)."""
    for text in texts:
        current = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(
            sender, DOMAIN.slots
        )
        current.update(UserUttered(text))
        current.update(ActionExecuted("utter_answer"))
        asyncio.run(store.save(current))


def _events(t):
    return [e.as_dict() for e in t.events]


def test_a_conversation_kept_in_memory_is_the_one_the_database_holds(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    _turns(store, "me", ["hi", "what should I wear?", "thanks"])
    fresh = ClinicTrackerStore(domain=DOMAIN, url=url)  # reads the database only
    assert _events(asyncio.run(store.retrieve("me"))) == _events(
        asyncio.run(fresh.retrieve("me"))
    )
    assert len(asyncio.run(store.retrieve("me")).events) == 6


def test_a_turn_saved_by_another_replica_is_seen(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    replica_a = ClinicTrackerStore(domain=DOMAIN, url=url)
    replica_b = ClinicTrackerStore(domain=DOMAIN, url=url)
    _turns(replica_a, "me", ["hi"])
    _turns(replica_b, "me", ["how long is a session?"])
    seen_by_a = asyncio.run(replica_a.retrieve("me"))
    assert [e.text for e in seen_by_a.events if isinstance(e, UserUttered)] == [
        "hi",
        "how long is a session?",
    ]


def test_only_the_latest_session_is_kept_as_rasa_loads_it(tmp_path):
    from rasa.shared.core.events import SessionStarted

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    _turns(store, "me", ["hi"])
    current = asyncio.run(store.retrieve("me"))
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("back again"),
    ):
        current.update(event)
    asyncio.run(store.save(current))
    fresh = ClinicTrackerStore(domain=DOMAIN, url=url)
    assert _events(asyncio.run(store.retrieve("me"))) == _events(
        asyncio.run(fresh.retrieve("me"))
    )
    assert "hi" not in [
        e.text
        for e in asyncio.run(store.retrieve("me")).events
        if isinstance(e, UserUttered)
    ]


def test_forget_me_also_forgets_the_copy_in_memory(tmp_path):
    store = ClinicTrackerStore(domain=DOMAIN, url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    _turns(store, "me", ["hi"])
    store.forget("me")
    assert asyncio.run(store.retrieve("me")) is None


def test_saving_a_tracker_twice_stores_each_event_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    _turns(store, "me", ["hi"])
    current = asyncio.run(store.retrieve("me"))
    current.update(UserUttered("what should I wear?"))
    asyncio.run(store.save(current))
    current.update(ActionExecuted("utter_faq"))
    asyncio.run(store.save(current))
    fresh = ClinicTrackerStore(domain=DOMAIN, url=url)
    assert [e.as_dict()["event"] for e in asyncio.run(fresh.retrieve("me")).events] == [
        "user",
        "action",
        "user",
        "action",
    ]


def test_a_tracker_the_store_did_not_load_is_counted_in_the_database(tmp_path):
    """E.g. one built by Rasa's HTTP API: only its events not yet stored are added."""
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    _turns(store, "me", ["hi"])
    stored = list(asyncio.run(store.retrieve("me")).events)
    rebuilt = tracker("me", stored + [UserUttered("thanks")])
    asyncio.run(store.save(rebuilt))
    fresh = ClinicTrackerStore(domain=DOMAIN, url=url)
    assert [e.as_dict()["event"] for e in asyncio.run(fresh.retrieve("me")).events] == [
        "user",
        "action",
        "user",
    ]


def test_recent_conversations_stay_within_their_memory_bound():
    from stores.conversation_cache import RecentConversations

    cache = RecentConversations(limit_bytes=3000)
    events = [UserUttered("x" * 500) for _ in range(2)]  # about 1.2 KB stored
    for sender in ("a", "b", "c"):
        cache.remember(sender, events, newest=1, added=0)
    nothing_after = lambda after: []  # noqa: E731
    # the least recently used went first; the others are served while current
    assert cache.events("a", lambda: 1, nothing_after) is None
    assert len(cache.events("c", lambda: 1, nothing_after)) == 2
    assert cache.events("b", lambda: 0, nothing_after) is None  # it shrank: dropped
    assert cache.events("b", lambda: 1, nothing_after) is None


def test_a_replica_reads_only_what_another_replica_added(tmp_path):
    """Two stores on one database, a conversation alternating between them: each
    reads the other's new events only, and both see the whole conversation."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first, second = (ClinicTrackerStore(domain=DOMAIN, url=url) for _ in range(2))
    read_after = []
    original = ClinicTrackerStore._events_after

    def counting(self, sender, after):
        rows = original(self, sender, after)
        read_after.append(len(rows))
        return rows

    ClinicTrackerStore._events_after = counting
    try:
        texts = []
        for turn in range(6):
            store = (first, second)[turn % 2]
            tracker = asyncio.run(store.retrieve("alternating")) or (
                DialogueStateTracker("alternating", DOMAIN.slots)
            )
            tracker.update(UserUttered(f"message {turn}"))
            texts.append(f"message {turn}")
            asyncio.run(store.save(tracker))
            seen = [e.text for e in tracker.events if isinstance(e, UserUttered)]
            assert seen == texts
    finally:
        ClinicTrackerStore._events_after = original
    assert read_after == [1, 1, 1, 1], "each turn read the one event the other added"


def test_the_retention_job_deletes_old_conversations_and_bookings(
    tmp_path, monkeypatch
):
    """One job (services/retention.py) for both stores, as the launcher runs it."""
    from datetime import datetime, timedelta, timezone

    from clinic.booking.store import BookingRequest, BookingStore
    from services import retention

    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    store = ClinicTrackerStore(domain=DOMAIN)
    old = time.time() - 100 * 86400
    asyncio.run(store.save(tracker("old", [UserUttered("hi", timestamp=old)])))
    bookings = BookingStore()
    long_ago = datetime.now(timezone.utc) - timedelta(days=120)
    bookings.save_booking(
        BookingRequest("k", "s", "rest", "Jo", "jo@x.org", "online", long_ago, False)
    )
    lines = retention.purge(90, 90)
    assert lines == [
        "Deleted 1 conversation events older than 90 days.",
        "Deleted 1 bookings and callback requests older than 90 days.",
    ]
