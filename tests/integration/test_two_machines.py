"""Two machines, simulated: two complete stacks, each with its own data folder, ports,
action server, Rasa server and jobs (as two machines would have), sharing one
PostgreSQL and one Redis, as a clinic running the assistant on two machines does
(docs/deployment.md).

Needs PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL): skipped with the
reason when absent, failed in CI.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest

from clinic import facts
from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.store import BookingRequest, BookingStore
from services.launch import Stack
from tests.conftest import TEST_CLOCK_START, stack_settings
from tests.databases import reachable_redis_url, temporary_postgres
from tests.helpers import free_port, http_json, opening, rest_text
from tests.integration.test_reminders import SID, TOKEN, reminder_round
from tests.integration.test_replicas import rest, time_buttons, to_the_time_question
from tests.integration.test_sms_channel import new_number, sms
from tests.standins import TwilioMessages

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


@pytest.fixture(scope="module")
def machines(model_path, postgres_url, tmp_path_factory):
    """Machine A and machine B: the same deployment (one database, one Redis, one
    lock prefix), nothing else shared."""
    redis_url, prefix = reachable_redis_url(), uuid.uuid4().hex
    stacks = []
    try:
        for name in ("a", "b"):
            base = tmp_path_factory.mktemp(f"machine-{name}")
            settings = stack_settings(
                base / "data",
                model=model_path,
                web_port=None,
                action_port=free_port(),
                rasa_ports=(free_port(),),
                env=dict(
                    DATABASE_URL=postgres_url,
                    REDIS_URL=redis_url,
                    REDIS_LOCK_PREFIX=prefix,
                ),
            )
            stacks.append(Stack(settings, log_dir=base).start())
        yield stacks
    finally:
        for stack in stacks:
            stack.stop()


def on(machine: Stack) -> Any:
    """What the SMS helper needs to text a machine."""
    return SimpleNamespace(rasa_url=machine.rasa_url)


def test_stop_taken_by_a_stops_the_reminder_b_sends(machines, postgres_url):
    a, b = machines
    twilio = TwilioMessages(SID, TOKEN)  # the stand-in the sender texts through
    try:
        book = AppointmentBook(BookingStore(postgres_url), facts.availability())
        now = TEST_CLOCK_START
        thursday = now + timedelta(days=3, hours=5)
        stopped, reminded = new_number(), new_number()
        booked = []
        for contact in (stopped, reminded):
            start = book.open_times("phone", now, start=thursday, limit=1)[0]
            key = uuid.uuid4().hex
            request = BookingRequest(
                key, key, "sms", "Pat Lee", contact, "phone", start
            )
            booked.append(book.book(request, key, now))
        assert "unsubscribed" in " ".join(sms(on(a), stopped, "STOP"))
        due = max(r.starts_at for r in booked) - timedelta(hours=24, minutes=-1)
        reminder_round({**os.environ, **b.env}, twilio, due)
        assert twilio.to(stopped) == []  # STOP reached machine B's sender
        assert len(twilio.to(reminded)) == 1  # and B's sender did send
    finally:
        twilio.close()


def test_a_numbered_reply_to_options_offered_by_a_is_read_by_b(machines):
    a, b = machines
    number = new_number()
    offered = " ".join(sms(on(a), number, "what should I wear?"))
    assert "Reply 1 for What happens in a session?" in offered
    answer = " ".join(sms(on(b), number, "1"))
    assert "towel and lie on a massage table" in answer


def test_the_same_time_tapped_on_a_and_b_at_once_is_booked_once(machines):
    a, b = (m.rasa_url for m in machines)
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    offer_a = time_buttons(to_the_time_question(a, first))
    offer_b = time_buttons(to_the_time_question(b, second))
    assert offer_a[:3] == offer_b[:3]
    wanted = offer_a[0]["payload"]
    with ThreadPoolExecutor(2) as pool:
        replies: List[List[Dict[str, Any]]] = list(
            pool.map(lambda turn: rest(*turn, wanted), [(a, first), (b, second)])
        )
    texts = [" ".join(m.get("text", "") for m in reply) for reply in replies]
    won = [
        i
        for i, text in enumerate(texts)
        if opening("utter_ask_booking_confirm") in text
    ]
    assert len(won) == 1, texts
    assert "someone has just taken that time" in texts[1 - won[0]]


def test_a_conversation_begun_on_a_goes_on_on_b_and_survives_a_killed(machines):
    a, b = machines
    sender = uuid.uuid4().hex
    assert opening("utter_ask_screen_any") in rest_text(
        a.rasa_url, sender, "is massage safe for me?"
    )
    assert opening("utter_ask_screen_which") in rest_text(b.rasa_url, sender, "yes")
    a.kill(f"rasa-{a.settings.rasa_ports[0]}")  # machine A goes down mid-conversation
    assert "check with your doctor" in rest_text(b.rasa_url, sender, "Pregnancy")
    _, tracker = http_json(
        f"{b.rasa_url}/conversations/{sender}/tracker?token={b.token}"
    )
    assert tracker["slots"]["screen_outcome"] == "doctor_first"
    assert tracker["slots"]["screen_conditions"] == ["pregnancy"]
