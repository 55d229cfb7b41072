"""Reminders on a real SQLite file: written with the booking, due at the configured
time, claimed once, quiet hours, replies."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.availability import Availability
from clinic.booking.reminders import Reminders
from clinic.booking.store import BookingRequest, BookingStore
from tests.unit.test_slots import config

LA = ZoneInfo("America/Los_Angeles")
MONDAY = datetime(2027, 1, 4, 6, 0, tzinfo=LA)
WEDNESDAY_TEN = datetime(2027, 1, 6, 10, 0, tzinfo=LA)


@pytest.fixture
def setup(tmp_path):
    store = BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    availability = Availability.from_config(config(), "America/Los_Angeles")
    book = AppointmentBook(store, availability)
    return book, Reminders(store, availability)


def booked(book, key, when=WEDNESDAY_TEN, contact="+17605550100"):
    return book.book(
        BookingRequest(key, f"s-{key}", "sms", "Ana", contact, "phone", when),
        f"s-{key}",
        MONDAY,
    )


def test_a_booking_is_reminded_once_24_hours_before(setup):
    book, reminders = setup
    record = booked(book, "a")
    assert reminders.status_of(record.reference)["status"] == "pending"
    assert reminders.claim_due(WEDNESDAY_TEN - timedelta(hours=25)) == []
    due_at = WEDNESDAY_TEN - timedelta(hours=24)
    [due] = reminders.claim_due(due_at)
    assert (due.reference, due.channel, due.contact) == (
        record.reference,
        "sms",
        "+17605550100",
    )
    assert reminders.claim_due(due_at) == []  # a second sender gets nothing
    reminders.mark_sent(due, due_at)
    assert reminders.claim_due(due_at + timedelta(hours=1)) == []
    assert reminders.status_of(record.reference)["status"] == "sent"


def test_an_email_contact_is_reminded_by_email(setup):
    book, reminders = setup
    booked(book, "a", contact="ana@example.com")
    [due] = reminders.claim_due(WEDNESDAY_TEN - timedelta(hours=23))
    assert due.channel == "email"


def test_nothing_goes_out_in_quiet_hours_it_waits_for_the_morning(setup):
    """Tuesday 9:30 is due Monday 9:30; a sender that was down all day sees it at
    22:00 (quiet hours 20:00-08:00): it goes at 8:00, before the appointment."""
    book, reminders = setup
    record = booked(book, "a", when=datetime(2027, 1, 5, 9, 30, tzinfo=LA))
    assert reminders.claim_due(datetime(2027, 1, 4, 22, 0, tzinfo=LA)) == []
    assert reminders.claim_due(datetime(2027, 1, 5, 7, 59, tzinfo=LA)) == []
    assert reminders.status_of(record.reference)["status"] == "pending"
    [due] = reminders.claim_due(datetime(2027, 1, 5, 8, 0, tzinfo=LA))
    assert due.reference == record.reference


def test_a_reminder_whose_appointment_begins_in_the_quiet_hours_is_skipped(tmp_path):
    store = BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    early_hours = {"mon": "06:00-09:00", "tue": "06:00-09:00"}
    availability = Availability.from_config(
        config(
            hours={"in_person": None, "phone": early_hours, "online": None},
            reminder_hours_before=2,
            min_notice_hours=0,
        ),
        "America/Los_Angeles",
    )
    book = AppointmentBook(store, availability)
    reminders = Reminders(store, availability)
    six = datetime(2027, 1, 5, 6, 0, tzinfo=LA)  # reminder due at 4:00, in the quiet
    record = book.book(
        BookingRequest("k", "s", "sms", "Ana", "+17605550100", "phone", six),
        "s",
        MONDAY,
    )
    assert reminders.claim_due(datetime(2027, 1, 5, 4, 0, tzinfo=LA)) == []
    assert reminders.status_of(record.reference)["status"] == "skipped"


def test_a_claim_left_by_a_stopped_sender_is_never_sent_again(setup):
    book, reminders = setup
    record = booked(book, "a")
    due_at = WEDNESDAY_TEN - timedelta(hours=24)
    assert reminders.claim_due(due_at)  # the sender stops before sending
    assert reminders.claim_due(due_at + timedelta(minutes=30)) == []
    assert reminders.status_of(record.reference)["status"] == "unknown"
    assert [r["booking_reference"] for r in reminders.unconfirmed()] == [
        record.reference
    ]


def test_moving_reschedules_and_cancelling_stops_the_reminder(setup):
    book, reminders = setup
    record = booked(book, "a")
    later = WEDNESDAY_TEN + timedelta(days=1)
    book.move(record.reference, "s-a", later, MONDAY)
    assert reminders.claim_due(WEDNESDAY_TEN - timedelta(hours=23)) == []
    book.store.cancel_booking(record.reference)
    assert reminders.status_of(record.reference)["status"] == "cancelled"
    assert reminders.claim_due(later) == []


@pytest.fixture
def three(setup):
    book, reminders = setup
    return reminders, [
        booked(book, key, when=WEDNESDAY_TEN + timedelta(minutes=30 * i))
        for i, key in enumerate("abc")
    ]


def test_c_confirms_x_cancels_and_anything_else_waits_for_a_person(three):
    reminders, (a, b, c) = three
    now = MONDAY
    assert reminders.reply(a.reference, "C", now) == "confirmed"
    assert reminders.status_of(a.reference)["reply"] == "confirmed"
    # "cancel" is the carriers' opt-out word, never a cancellation (the SMS channel
    # opts the number out before a reply is read)
    assert reminders.reply(b.reference, "cancel", now) == "noted"
    assert reminders.store.find_booking(b.reference).status == "open"
    assert reminders.reply(b.reference, "X", now) == "cancelled"
    assert reminders.store.find_booking(b.reference).status == "cancelled"
    text = "can I bring my knee scan?"
    assert reminders.reply(c.reference, text, now) == "noted"
    assert [r["text"] for r in reminders.open_replies()] == ["cancel", text]
    with reminders.store.engine.connect() as conn:  # encrypted at rest
        stored = conn.exec_driver_sql(
            "select text from clinic_reminder_replies"
        ).scalar()
    assert "knee" not in stored
    # inside the late-cancellation window (24 h): not cancelled, staff see it
    late = WEDNESDAY_TEN - timedelta(hours=2)
    assert reminders.reply(c.reference, "X", late) == "late"
    assert reminders.store.find_booking(c.reference).status == "open"
