"""The conversation store: one URL, retention, and "forget me"."""
import asyncio
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.tracker_store import ClinicTrackerStore

DOMAIN = Domain.from_dict({"slots": {"forget_me": {"type": "text", "mappings": [{"type": "custom"}]}}})


def tracker(sender, events):
    return DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)


def test_events_older_than_the_retention_are_deleted(tmp_path, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "0")  # no purge while setting up
    store = ClinicTrackerStore(domain=DOMAIN, url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    old = time.time() - 40 * 86400
    asyncio.run(store.save(tracker("old", [UserUttered("hi", timestamp=old),
                                           ActionExecuted("utter_greet", timestamp=old + 1)])))
    asyncio.run(store.save(tracker("new", [UserUttered("hi")])))
    assert store.purge_older_than(30) == 2
    assert asyncio.run(store.retrieve("old")) is None
    assert len(asyncio.run(store.retrieve("new")).events) == 1


def test_a_confirmed_forget_me_deletes_instead_of_saving(tmp_path):
    store = ClinicTrackerStore(domain=DOMAIN, url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    events = [UserUttered("what should I wear?"), ActionExecuted("utter_faq")]
    asyncio.run(store.save(tracker("me", events)))
    asyncio.run(store.save(tracker("me", events + [UserUttered("yes"),
                                                   SlotSet("forget_me", "confirmed")])))
    assert asyncio.run(store.retrieve("me")) is None


def test_sqlite_conversations_commit_in_wal_mode_and_survive_a_new_store(tmp_path):
    """WAL keeps commits off the disk's critical path; a new store (a restarted server)
    still reads every saved turn."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    store = ClinicTrackerStore(domain=DOMAIN, url=url)
    asyncio.run(store.save(tracker("me", [UserUttered("hi"), ActionExecuted("utter_greet")])))
    with sqlite3.connect(tmp_path / "c.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    restarted = ClinicTrackerStore(domain=DOMAIN, url=url)
    assert [e.as_dict()["event"] for e in asyncio.run(restarted.retrieve("me")).events] == \
        ["user", "action"]
