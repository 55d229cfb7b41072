"""Reminders end to end: bookings in the stack's database, the reminder sender run as
its own process (twice: a restart sends nothing again) against a Twilio stand-in and a
real SMTP server on loopback, and the patients' replies through the signed SMS
webhook of the stack `make run` starts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from clinic import facts
from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.reminders import Reminders
from clinic.booking.store import BookingRequest, BookingStore
from clinic.channel_texts import text as channel_text
from tests.conftest import TEST_CLOCK_START
from tests.helpers import ROOT
from tests.integration.test_sms_channel import new_number, sms
from tests.standins import SmtpServer, TwilioMessages

pytestmark = pytest.mark.server
SID, TOKEN, CLINIC_NUMBER = "AC" + "1" * 32, "stand-in-token", "+17605550000"


@pytest.fixture(scope="module")
def twilio():
    stand_in = TwilioMessages(SID, TOKEN)
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    yield server
    server.close()


def sender(servers, twilio, smtp, clock: datetime) -> subprocess.CompletedProcess:
    """One round of the reminder sender, as its own process, at `clock`."""
    env = {
        **os.environ,
        "CLINIC_DATA_DIR": str(servers.data_dir),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_FROM": "clinic@example.com",
    }
    env.pop("DATABASE_URL", None)  # the stack's own SQLite, in its data folder
    return reminder_round(env, twilio, clock)


def reminder_round(
    env: dict, twilio: TwilioMessages, clock: datetime
) -> subprocess.CompletedProcess:
    """One round of the reminder sender in `env` (a stack's), texting through the
    Twilio stand-in, at `clock`."""
    env = {
        **env,
        "CLINIC_CLOCK_START": clock.isoformat(),
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM": CLINIC_NUMBER,
        "TWILIO_API_URL": twilio.url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "services.reminders", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_reminders_go_once_by_sms_and_email_and_replies_confirm_or_cancel(
    servers, twilio, smtp
):
    store = BookingStore(servers.db_url)
    availability = facts.availability()
    book = AppointmentBook(store, availability)
    now = TEST_CLOCK_START
    thursday = now + timedelta(days=3, hours=5)  # Thursday 11:00
    phone, stopped, later = new_number(), new_number(), new_number()
    email = f"pat-{phone[-4:]}@example.com"

    def booking(key, contact, mode, when):
        start = book.open_times(mode, now, start=when, limit=1)[0]
        request = BookingRequest(key, key, "sms", "Pat Lee", contact, mode, start)
        return book.book(request, key, now)

    a = booking(f"a{phone}", phone, "phone", thursday)
    e = booking(f"e{phone}", email, "online", thursday)
    c = booking(f"c{phone}", stopped, "in_person", thursday)
    b = booking(f"b{phone}", later, "phone", thursday + timedelta(days=1))
    assert "unsubscribed" in " ".join(sms(servers, stopped, "STOP"))

    due = (
        max(x.starts_at for x in (a, e, c)) - timedelta(hours=24) + timedelta(minutes=1)
    )
    sender(servers, twilio, smtp, due)
    [text] = twilio.to(phone)
    assert "Reply C to confirm, X to cancel the booking" in text and len(text) <= 160
    assert twilio.to(stopped) == [] and twilio.refused == []
    [mail] = smtp.to(email)
    assert mail["Subject"].startswith("Reminder: consultation on ")
    assert e.reference in mail.get_content()
    reminders = Reminders(store, availability)
    assert reminders.status_of(a.reference)["status"] == "sent"
    assert reminders.status_of(c.reference)["status"] == "skipped"
    assert twilio.to(later) == []  # not due yet

    sender(servers, twilio, smtp, due + timedelta(minutes=5))  # a restart
    assert len(twilio.to(phone)) == 1 and len(smtp.to(email)) == 1

    assert "is confirmed" in " ".join(sms(servers, phone, "C"))
    assert reminders.status_of(a.reference)["reply"] == "confirmed"
    # the reply was read once: the next text is the assistant's again
    assert "30 minutes" in " ".join(sms(servers, phone, "how long is a session?"))

    sender(servers, twilio, smtp, b.starts_at - timedelta(hours=23))
    assert len(twilio.to(later)) == 1
    # "cancel" is the carriers' opt-out word: it opts out and cancels nothing
    assert channel_text("sms_stop") in " ".join(sms(servers, later, "cancel"))
    assert store.find_booking(b.reference).status == "open"
    assert channel_text("sms_start") in " ".join(sms(servers, later, "START"))
    assert "is cancelled" in " ".join(sms(servers, later, "X"))
    assert store.find_booking(b.reference).status == "cancelled"
