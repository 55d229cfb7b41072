"""Booking, changes and a person from the clinic, end to end through the REST (and SMS)
channel with the real model and action server; results checked in the database."""

from __future__ import annotations

import io
import random
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinic.booking.slots import from_slot_id
from clinic.booking.store import BookingStore
from services import staff
from tests.helpers import buttons, opening, says, texts
from tests.integration.test_sms_channel import sms

pytestmark = pytest.mark.server
LA = ZoneInfo("America/Los_Angeles")  # the fixture clinic's zone
REFERENCE = re.compile(r"\b(RV-[0-9A-Z]{4}-[0-9A-Z]{4})\b")
CALLBACK = re.compile(r"\b(CB-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


class Chat:
    """One REST conversation: `say(text)` returns the replies' text; the last replies'
    buttons stay at hand, for a patient who taps one."""

    def __init__(self, servers, sender: str) -> None:
        self.servers, self.sender, self.last = servers, sender, []

    def __call__(self, message: str) -> str:
        self.last = self.servers.say(message, self.sender)
        return " ".join(texts(self.last))

    def time_buttons(self):
        return [b for b in buttons(self.last) if '"slot_time"' in b["payload"]]

    def tap(self, title: str) -> str:
        payload = next(b["payload"] for b in buttons(self.last) if b["title"] == title)
        return self(payload)


def conversation(servers):
    sender = uuid.uuid4().hex
    return sender, Chat(servers, sender)


def offered_times(chat: Chat):
    """The open times offered, as (title, UTC time), "Other times" left out."""
    return [
        (b["title"], from_slot_id(b["payload"].split('"')[-2]))
        for b in chat.time_buttons()
        if from_slot_id(b["payload"].split('"')[-2])
    ]


def store(servers) -> BookingStore:
    return BookingStore(servers.db_url)


def start_booking(say) -> None:
    assert opening("utter_ask_screen_any") in say(
        "I'd like to book a free consultation"
    )
    assert opening("utter_ask_patient_name") in say("no")


def fill_details(say, mode="In person", contact="(760) 555-0100", when=None):
    """Name, mode and contact, then the time: typed (`when`), or the first open time
    offered, tapped."""
    assert opening("utter_ask_booking_mode") in say("Jane Doe")
    asked = say(mode)
    assert "mobile number" in asked
    assert "Which day and time" in say(contact)
    if when is not None:
        return say(when)
    title, _ = offered_times(say)[0]
    return say.tap(title)


def book(servers, mode="In person", contact="(760) 555-0100", when=None):
    sender, say = conversation(servers)
    start_booking(say)
    summary = fill_details(say, mode, contact, when)
    assert (
        opening("utter_ask_booking_confirm") in summary
        and "Shall I book it?" in summary
    )
    done = say("yes")
    match = REFERENCE.search(done)
    assert done.startswith("Booked!") and match, done
    return sender, say, match.group(1)


@pytest.mark.parametrize(
    "mode, contact, stored_mode, stored_contact",
    [
        ("Online", "jane.doe@example.com", "online", "jane.doe@example.com"),
        ("By phone", "760-555-0134", "phone", "+17605550134"),
        ("In person", "(760) 555-0100", "in_person", "+17605550100"),
    ],
)
def test_happy_path_for_each_mode_is_saved_and_shown_to_staff(
    servers, monkeypatch, mode, contact, stored_mode, stored_contact
):
    sender, say = conversation(servers)
    start_booking(say)
    assert opening("utter_ask_booking_mode") in say("Jane Doe")
    say(mode)
    assert says(say(contact), "utter_ask_booking_time_open")
    offered = offered_times(say)
    assert len(offered) == 3 and [b["title"] for b in buttons(say.last)][-1] == (
        "Other times"
    )
    title, starts_at = offered[0]
    summary = say.tap(title)
    assert opening("utter_ask_booking_confirm") in summary
    reference = REFERENCE.search(say("yes")).group(1)
    record = store(servers).find_booking(reference)
    assert (record.name, record.mode, record.contact, record.status) == (
        "Jane Doe",
        stored_mode,
        stored_contact,
        "open",
    )
    assert record.starts_at == starts_at and record.time_confirmed
    assert not record.with_physio and record.condition_ids == []
    assert servers.slots(sender)["booking_reference"] == reference

    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(servers.data_dir))
    out = io.StringIO()
    day = starts_at.astimezone(ZoneInfo("America/Los_Angeles")).date().isoformat()
    assert staff.main(["list", "--day", day], out=out, err=io.StringIO()) == 0
    assert reference in out.getvalue() and "Jane Doe" in out.getvalue()


def test_a_repeated_yes_never_books_twice(servers):
    sender, say, reference = book(servers)
    say("yes")
    say("yes")
    with store(servers).engine.connect() as conn:
        count = conn.execute(
            sa.text(
                "select count(*) from clinic_bookings where name = 'Jane Doe' and "
                "reference = :r"
            ),
            {"r": reference},
        ).scalar()
        mine = conn.execute(
            sa.text(
                "select count(*) from clinic_bookings where request_key in "
                "(select request_key from clinic_bookings where reference = :r)"
            ),
            {"r": reference},
        ).scalar()
    assert count == 1 and mine == 1


def test_invalid_contact_twice_explains_the_format_then_accepts_a_correct_one(servers):
    _, say = conversation(servers)
    start_booking(say)
    say("Jane Doe")
    say("online")
    first = say("12345")
    assert "doesn't look like a valid mobile number" in first
    second = say("jane@")
    assert "I still couldn't use that" in second and "name@example.com" in second
    assert "Which day and time" in say("jane@example.com")


def test_closed_or_past_times_get_a_helpful_suggestion(servers):
    _, say = conversation(servers)
    start_booking(say)
    say("Jane Doe")
    say("online")
    say("jane@example.com")
    night = say("tomorrow at 11pm")
    assert says(night, "utter_booking_time_not_open") and offered_times(say)
    past = say("yesterday at 10am")
    assert "already passed" in past and offered_times(say)
    saturday = say("saturday")  # the fixture's hours are Monday to Friday
    assert says(saturday, "utter_booking_day_full")
    assert all(t.astimezone(LA).weekday() < 5 for _, t in offered_times(say))
    title, _ = offered_times(say)[0]
    assert opening("utter_ask_booking_confirm") in say.tap(title)


def test_change_of_mind_at_the_summary(servers):
    _, say = conversation(servers)
    start_booking(say)
    first = fill_details(say)
    assert opening("utter_ask_booking_confirm") in first
    assert "What would you like to change?" in say("no")
    assert "Which day and time" in say("Day and time")
    nearest = offered_times(say)
    say.tap("Other times")
    later = offered_times(say)
    assert len(later) == 3 and later[0][1] > nearest[-1][1]  # the next three
    title, starts_at = later[1]
    again = say.tap(title)
    assert opening("utter_ask_booking_confirm") in again
    reference = REFERENCE.search(say("yes, book it")).group(1)
    assert store(servers).find_booking(reference).starts_at == starts_at


def test_stop_at_the_summary_books_nothing(servers):
    sender, say = conversation(servers)
    start_booking(say)
    fill_details(say)
    assert "Nothing has been booked" in say("stop")
    assert servers.slots(sender)["booking_reference"] is None


def test_handoff_from_inside_the_booking_form_uses_what_it_knows_then_stays_quiet(
    servers,
):
    sender, say = conversation(servers)
    start_booking(say)
    say("Jane Doe")
    say("By phone")
    say("760 555 0100")
    reply = say("can I talk to a real person please")
    match = CALLBACK.search(reply)
    assert match and "the number ending 0100" in reply and "stay quiet" in reply
    records = {r.reference: r for r in store(servers).open_records()}
    callback = records[match.group(1)]
    assert callback.name == "Jane Doe" and callback.contact == "+17605550100"
    assert callback.reason == "asked for a person while booking a consultation"
    assert say("hello? how long is a session?") == ""  # quiet until restart
    assert "let's start again" in say("restart")
    assert "30 minutes" in say("how long is a session?")


def test_handoff_with_nothing_known_asks_only_for_name_and_contact(servers):
    _, say = conversation(servers)
    assert "What's your name?" in say("I want to speak to someone")
    assert "mobile number or an e-mail" in say("Sam Lee")
    reply = say("sam@example.com")
    assert CALLBACK.search(reply) and "s***@example.com" in reply


def test_urgent_outcome_blocks_booking(servers):
    sender, say = conversation(servers)
    assert "911" in say("I have crushing chest pain right now")
    blocked = say("book a consultation")
    assert "can't book" in blocked
    assert servers.slots(sender)["booking_request"] is None


def test_an_emergency_inside_the_booking_form_stops_it(servers):
    sender, say = conversation(servers)
    start_booking(say)
    say("Jane Doe")
    assert "911" in say("my calf is suddenly swollen and painful")
    slots = servers.slots(sender)
    assert slots["screen_outcome"] == "urgent" and slots["requested_slot"] is None


def test_doctor_first_books_with_a_physical_therapist_and_keeps_condition_ids(servers):
    _, say = conversation(servers)
    assert "apply to you" in say("I'm 20 weeks pregnant, can I book a consultation?")
    reply = say("no")
    assert "check with your doctor" in reply and "physical therapists" in reply
    summary = fill_details(say)
    assert "with a physical therapist" in summary
    reference = REFERENCE.search(say("yes")).group(1)
    record = store(servers).find_booking(reference)
    assert record.with_physio and record.condition_ids == ["pregnancy"]


def test_cancel_by_reference_checks_the_contact_on_file(servers):
    _, _, reference = book(servers, when="friday at 2pm")  # outside the 24 h window
    _, say = conversation(servers)  # a new conversation, as on another day
    assert says(
        say(f"please cancel my booking {reference}"), "utter_ask_manage_contact"
    )
    # a wrong contact: the same answer as an unknown reference; both are asked again
    assert says(say("(760) 555-0199"), "utter_manage_no_match")
    assert says(say(reference), "utter_ask_manage_contact")
    question = say("760 555 0100")
    assert says(question, "utter_ask_manage_confirm_cancel", reference=reference)
    assert says(say("yes"), "utter_manage_cancelled", reference=reference)
    assert store(servers).find_booking(reference).status == "cancelled"
    # the time is open again
    _, again = conversation(servers)
    start_booking(again)
    assert opening("utter_ask_booking_confirm") in fill_details(
        again, when="friday at 2pm"
    )


def test_reschedule_asks_for_the_reference_contact_and_new_time(servers):
    _, _, reference = book(servers, when="friday at 3pm")
    _, say = conversation(servers)
    assert says(say("can I move my appointment?"), "utter_ask_manage_reference")
    # an unknown reference is only told apart once the contact is checked with it
    assert says(say("RV-2222-3333"), "utter_ask_manage_contact")
    assert says(say("(760) 555-0100"), "utter_manage_no_match")
    assert says(say(reference.lower()), "utter_ask_manage_contact")
    assert says(say("(760) 555-0100"), "utter_ask_manage_time_open")
    title, new_time = offered_times(say)[0]
    question = say.tap(title)
    assert says(question, "utter_ask_manage_confirm_move", reference=reference)
    assert says(say("yes"), "utter_manage_moved", reference=reference)
    record = store(servers).find_booking(reference)
    assert record.status == "open" and record.starts_at == new_time
    # the old time (Friday 3 pm) is open again, the new one is not
    _, other = conversation(servers)
    start_booking(other)
    assert opening("utter_ask_booking_confirm") in fill_details(
        other, when="friday at 3pm"
    )


def test_a_change_inside_the_late_cancellation_window_goes_to_the_clinic_team(
    servers,
):
    _, _, reference = book(servers)  # the nearest open time: within 24 hours
    _, say = conversation(servers)
    assert says(say(f"cancel my booking {reference}"), "utter_ask_manage_contact")
    late = say("(760) 555-0100")
    assert says(late, "utter_manage_late", hours="24")
    assert "Talk to the clinic team" in [b["title"] for b in buttons(say.last)]
    assert store(servers).find_booking(reference).status == "open"


def test_sms_booking_offers_the_senders_number(servers):
    number = "+1760555" + f"{random.randint(0, 9999):04d}"
    say = lambda body: " ".join(sms(servers, number, body))  # noqa: E731
    assert "apply to you" in say("book a consultation")
    assert "What name" in say("2")  # 2 = No
    assert "1" in say("Jane Doe")
    offer = say("3")  # In person
    assert f"ending {number[-4:]}" in offer
    asked = say("1")  # yes, this number
    assert "Which time suits you?" in asked
    assert "1 for " in asked and "4 for Other times" in asked
    assert len(asked) <= 160, asked  # one SMS
    summary = say("1")  # the first open time
    assert "(PST)" in summary  # the clinic's zone by name (the test clock: December)
    assert f"({number[2:5]}) {number[5:8]}-{number[8:]}" in summary
    reference = REFERENCE.search(say("1")).group(1)
    record = store(servers).find_booking(reference)
    assert record.contact == number and record.channel == "sms"


def test_a_typed_time_is_taken_when_open_and_its_neighbours_offered_when_not(servers):
    """Tuesday 11:30 am by phone (the test clock's Monday + 1): only this test asks
    for it."""
    _, first = conversation(servers)
    start_booking(first)
    wanted = "tuesday at 11:30am"
    summary = fill_details(first, mode="By phone", when=wanted)
    assert opening("utter_ask_booking_confirm") in summary and "11:30 am" in summary
    _, second = conversation(servers)
    start_booking(second)
    reply = fill_details(second, mode="By phone", when=wanted)
    assert says(reply, "utter_booking_time_not_open")  # held by the first patient
    near = [t.astimezone(LA).strftime("%H:%M") for _, t in offered_times(second)]
    assert near == ["10:30", "11:00", "12:00"]
    # the second patient's own words for an open time are taken
    assert opening("utter_ask_booking_confirm") in second("tuesday at 4:30pm")


def test_a_part_of_the_day_narrows_the_offer(servers):
    _, say = conversation(servers)
    start_booking(say)
    fill_details(say, mode="Online", when="wednesday afternoon")
    offered = [t.astimezone(LA) for _, t in offered_times(say)]
    assert len(offered) == 3
    assert all(t.weekday() == 2 and 13 <= t.hour < 17 for t in offered), offered
    say("any morning")
    mornings = [t.astimezone(LA) for _, t in offered_times(say)]
    assert len(mornings) == 3 and all(t.hour < 12 for t in mornings), mornings
