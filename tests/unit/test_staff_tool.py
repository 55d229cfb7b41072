"""The staff tool on a real SQLite file: table, day filter, handled, CSV export."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from clinic import clock, facts
from clinic.booking.store import BookingRequest, BookingStore, CallbackRequest
from services import staff


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path))
    return BookingStore(url)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = staff.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def add_booking(store, key, starts_at, **extra):
    return store.save_booking(
        BookingRequest(
            request_key=key,
            sender_key="s",
            channel="rest",
            name=extra.pop("name", "Jane Doe"),
            contact="+17605550100",
            mode="phone",
            starts_at=starts_at,
            **extra,
        )
    )


def test_lists_open_requests_as_a_table_filters_by_day_and_marks_handled(db):
    tomorrow = clock.now(facts.time_zone()).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + timedelta(days=1)
    first = add_booking(
        db, "a", tomorrow, with_physio=True, condition_ids=["pregnancy"]
    )
    later = add_booking(db, "b", tomorrow + timedelta(days=3), name="Ann Lee")
    callback = db.save_callback(
        CallbackRequest(
            "c", "s", "sms", "Jo Park", "jo@example.com", "asked to talk to a person"
        )
    )
    code, out, _ = run("list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["REFERENCE", "KIND", "WHEN", "NAME"]
    assert (
        first.reference in out and later.reference in out and callback.reference in out
    )
    assert "(760) 555-0100" in out and "physio; check: pregnancy" in out
    assert "callback: asked to talk to a person" in out

    code, out, _ = run("list", "--day", "tomorrow")
    assert first.reference in out and later.reference not in out

    code, out, _ = run("handled", first.reference, "RV-NOPE")
    assert code == 1 and f"{first.reference}: marked handled" in out
    assert first.reference not in run("list")[1]
    assert first.reference in run("list", "--all")[1]


def test_exports_csv(db, tmp_path):
    add_booking(db, "a", datetime.now(facts.time_zone()) + timedelta(days=2))
    target = tmp_path / "export.csv"
    code, _, err = run("export", "--out", str(target))
    assert code == 0 and "Wrote 1 row(s)" in err
    rows = list(csv.DictReader(target.open()))
    assert rows[0]["name"] == "Jane Doe" and rows[0]["what"] == "consultation by phone"
    assert rows[0]["reference"].startswith("RV-")


def test_bad_day_and_unreachable_database_give_clear_errors(db, monkeypatch):
    with pytest.raises(SystemExit):
        run("list", "--day", "someday")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    code, _, err = run("list")
    assert code == 2 and "database is unreachable" in err


def test_the_day_shows_open_times_bookings_reminders_and_replies(db):
    from clinic.booking.appointment_book import AppointmentBook
    from clinic.booking.reminders import Reminders

    availability = facts.availability()
    book = AppointmentBook(db, availability)
    now = clock.now(facts.time_zone())
    first = book.open_times("phone", now, limit=1)[0]
    record = book.book(
        BookingRequest("k1", "s1", "sms", "Ana Ruiz", "+17605550100", "phone", first),
        "s1",
        now,
    )
    Reminders(db, availability).reply(record.reference, "running 5 min late", now)
    day = first.astimezone(facts.time_zone()).date().isoformat()
    code, out, _ = run("day", "--day", day)
    assert code == 0
    assert "Open times left:" in out and "by phone:" in out
    assert (
        f"{first.astimezone(facts.time_zone()):%H:%M}"
        not in out.split("by phone:")[1].splitlines()[0]
    )  # the booked time is no longer open
    assert record.reference in out and "Ana Ruiz" in out
    assert "Reminders without a confirmation:" in out and "reminder pending" in out
    assert "running 5 min late" in out
    assert "placeholders" in out  # the fixture's appointments are placeholders


def test_feed_url_prints_the_address_with_its_token(db, monkeypatch):
    monkeypatch.setenv("WEB_PORT", "8123")
    monkeypatch.setenv("CLINIC_FEED_TOKEN", "s3cret-token")
    code, out, _ = run("feed-url")
    assert code == 0
    assert (
        out.strip() == "http://localhost:8123/staff/calendar/s3cret-token/bookings.ics"
    )
