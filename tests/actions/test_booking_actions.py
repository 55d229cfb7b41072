"""Booking and handoff actions against a real SQLite file and an unreachable
database."""

from datetime import timedelta

import pytest

from actions import services
from actions.booking import ActionBookingSave
from actions.handoff import ActionHandoff
from clinic.booking import outbox
from clinic.booking.store import BookingStore
from tests.actions.conftest import make_tracker
from tests.conftest import TEST_CLOCK_START

DEAD = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture
def database(tmp_path, monkeypatch):
    """Point the action server's store at a URL; returns a switch for the test."""
    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path))

    def use(url: str) -> None:
        services.use_store(BookingStore(url))

    yield use
    services.reset()


def confirmed_booking(**slots):
    # an open time in the fixture clinic's hours: Tuesday 9:00 after the test clock's
    # Monday morning (tests/conftest.py)
    when = TEST_CLOCK_START.replace(hour=9) + timedelta(days=1)
    values = {
        "booking_confirm": "yes",
        "booking_request": "req-42",
        "patient_name": "Jane Doe",
        "patient_contact": "+17605550100",
        "booking_mode": "online",
        "booking_time": when.isoformat(),
        "screen_outcome": "doctor_first",
        "screen_answers": {"present": ["pregnancy"]},  # the screen established it
    }
    values.update(slots)
    return make_tracker(
        slots=values, latest_message={"intent": {"name": "affirm"}, "text": "yes"}
    )


def responses(dispatcher):
    return [m["response"] for m in dispatcher.messages]


def test_database_down_keeps_the_booking_tells_the_patient_and_saves_it_on_retry(
    database, run, tmp_path
):
    database(DEAD)
    events, dispatcher = run(ActionBookingSave(), confirmed_booking())
    assert responses(dispatcher) == ["utter_booking_not_saved_yet"]
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "booking_pending",
        "value": True,
    } in events
    assert len(outbox.pending()) == 1

    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    database(url)
    events, dispatcher = run(
        ActionBookingSave(), confirmed_booking(booking_pending=True)
    )
    assert responses(dispatcher) == ["utter_booking_saved"]  # an open time, booked
    reference = dispatcher.messages[0]["reference"]
    assert outbox.pending() == []
    record = BookingStore(url).find_booking(reference)
    assert record.with_physio and record.condition_ids == ["pregnancy"]
    assert record.time_confirmed
    # the same confirmed request once more (a retried call): same booking
    _, again = run(ActionBookingSave(), confirmed_booking())
    assert again.messages[0]["reference"] == reference
    assert len(BookingStore(url).open_records()) == 1


def test_nothing_is_saved_without_an_explicit_yes(database, run, tmp_path):
    database(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    _, dispatcher = run(ActionBookingSave(), confirmed_booking(booking_confirm=None))
    assert responses(dispatcher) == ["utter_booking_nothing_to_save"]
    assert BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}").open_records() == []


def test_handoff_with_the_database_down_keeps_the_request_and_still_goes_quiet(
    database, run
):
    database(DEAD)
    tracker = make_tracker(
        slots={"patient_name": "Jo", "patient_contact": "jo@example.com"},
        latest_message={"intent": {"name": "human_handoff"}, "text": "a person"},
    )
    events, dispatcher = run(ActionHandoff(), tracker)
    assert responses(dispatcher) == [
        "utter_handoff_kept",
        "utter_reply_time_unknown",
        "utter_handoff_paused",
    ]
    assert any(e["event"] == "pause" for e in events)
    assert len(outbox.pending()) == 1


def test_handoff_asks_for_missing_details_first(database, run, tmp_path):
    database(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    tracker = make_tracker(
        latest_message={"intent": {"name": "human_handoff"}, "text": "a person"}
    )
    events, dispatcher = run(ActionHandoff(), tracker)
    assert responses(dispatcher) == ["utter_handoff_intro"]
    assert {"event": "followup", "timestamp": None, "name": "handoff_form"} in events


def test_a_time_kept_while_the_database_was_down_is_neither_lost_nor_given_twice(
    database, run, tmp_path
):
    """The patient who confirmed while the database was down keeps the time: the
    next save replays the kept booking through the appointment book first, so the
    next patient to pick that time is told it was taken and asked again; the first
    patient's retry finds the booking made for them."""
    database(DEAD)
    run(ActionBookingSave(), confirmed_booking())
    assert len(outbox.pending()) == 1
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    database(url)
    other = confirmed_booking(booking_request="someone-else")
    events, dispatcher = run(ActionBookingSave(), other)  # picks the same time
    assert responses(dispatcher) == ["utter_booking_time_taken_at_save"]
    assert {"event": "followup", "timestamp": None, "name": "booking_form"} in events
    assert outbox.pending() == []
    _, dispatcher = run(ActionBookingSave(), confirmed_booking(booking_pending=True))
    assert responses(dispatcher) == ["utter_booking_saved"]
    records = BookingStore(url).open_records()
    assert len(records) == 1 and records[0].time_confirmed
