"""The staff calendar feed: the clinic's bookings as iCalendar (RFC 5545), built with
the `icalendar` library.

Calendar apps subscribe to it by URL (web/app.py serves it behind a secret token). An
event shows what staff need to run the day, and nothing more: the patient's name, the
kind of consultation and its time, the booking reference. Never a contact, never a
health detail (a booking for the physical therapist says only that).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Event

from clinic.booking.store import Record
from clinic.booking.validation import mode_label

PRODUCT_ID = "-//Clinic assistant//Bookings feed//EN"


def feed(records: Iterable[Record], length_minutes: int, clinic_name: str) -> bytes:
    """One VEVENT per booking; a requested time staff still confirm is TENTATIVE."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{clinic_name}: consultations")
    stamp = datetime.now(timezone.utc)
    for record in records:
        if record.kind != "booking" or record.starts_at is None:
            continue
        event = Event()
        event.add("uid", f"{record.reference}@clinic-assistant")
        event.add("dtstamp", stamp)
        event.add("dtstart", record.starts_at.astimezone(timezone.utc))
        event.add(
            "dtend",
            record.starts_at.astimezone(timezone.utc)
            + timedelta(minutes=length_minutes),
        )
        who = " with a physical therapist" if record.with_physio else ""
        mode = mode_label(record.mode)
        event.add("summary", f"{record.name}: free consultation {mode}{who}")
        event.add("description", f"Reference {record.reference}.")
        event.add("status", "CONFIRMED" if record.time_confirmed else "TENTATIVE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
