"""The staff calendar feed, served by the stack's web app: it parses with `icalendar`,
shows the booking (name, kind, time, reference) and nothing private, and refuses a
wrong token."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import pytest
from icalendar import Calendar

from clinic import facts
from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.store import BookingRequest, BookingStore
from services import staff
from tests.conftest import TEST_CLOCK_START

pytestmark = pytest.mark.server


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.headers.get("Content-Type"), answer.read()


def test_the_feed_shows_bookings_to_subscribers_with_the_token_only(
    servers, monkeypatch
):
    book = AppointmentBook(BookingStore(servers.db_url), facts.availability())
    start = book.open_times("online", TEST_CLOCK_START, limit=1)[0]
    request = BookingRequest(
        "feed-1",
        "feed-1",
        "rest",
        "Robin Feed",
        "robin@example.com",
        "online",
        start,
        with_physio=True,
        condition_ids=["pregnancy"],
    )
    record = book.book(request, "feed-1", TEST_CLOCK_START)

    monkeypatch.setenv("CLINIC_DATA_DIR", str(servers.data_dir))
    monkeypatch.setenv("WEB_PORT", str(servers.stack.settings.web_port))
    out = io.StringIO()
    assert staff.main(["feed-url"], out=out) == 0
    url = out.getvalue().strip()

    status, content_type, body = fetch(url)
    assert status == 200 and content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    event = events[f"{record.reference}@clinic-assistant"]
    assert event.decoded("dtstart") == start
    summary = str(event["summary"])
    assert "Robin Feed" in summary and "online" in summary
    assert "physical therapist" in summary  # who sees the patient, not why
    text = body.decode()
    assert "robin@example.com" not in text and "pregnan" not in text.lower()

    token = url.split("/calendar/")[1].split("/")[0]
    near_miss = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (url.replace(token, near_miss), url.replace(token, "")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(wrong)
        assert refused.value.code in (401, 403, 404)
