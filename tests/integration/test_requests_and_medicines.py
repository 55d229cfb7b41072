"""What people really type, through the running assistant: questions about medicines
(the medicine answer, whatever condition they name), terse requests for a person and
call-back requests (the number and the time kept for staff), details sent when nothing
was asked. Wording is read from the domain."""

from __future__ import annotations

import io
import uuid

import pytest

from clinic.booking.store import BookingStore
from services import staff
from tests.helpers import buttons, says, says_any, texts
from tests.integration.test_booking import CALLBACK, Chat, start_booking
from tests.integration.test_sms_channel import new_number, sms

pytestmark = pytest.mark.server

MEDICINE = "utter_out_of_scope/medicine"


def chat(servers) -> Chat:
    return Chat(servers, uuid.uuid4().hex)


@pytest.mark.parametrize(
    "question",
    [
        "when does a muscle relaxant kick in? my back is killing me",
        "can i take more of my anxiety meds if i'm stressed",
        "is voltaren gel safe with a blood thinner",
        "how much ibuprofen can I take for my sore neck",
        "is it ok to take melatonin every night for sleep",
    ],
)
def test_a_medicine_question_gets_the_medicine_answer(servers, question):
    reply = chat(servers)(question)
    assert says_any(reply, MEDICINE), reply
    assert not says(reply, "utter_faq/pain_relief")


def test_a_medicine_question_naming_a_contraindication_gets_both(servers):
    say = chat(servers)
    reply = say("can I take tylenol while I'm pregnant?")
    assert says_any(reply, MEDICINE), reply
    assert "doctor" in reply  # the doctor-first note for the pregnancy, too


def test_a_massage_question_about_a_medicine_stays_with_the_screen(servers):
    reply = chat(servers)("can I get a massage if I'm on blood thinners?")
    assert not says_any(reply, MEDICINE), reply


def test_a_medicine_question_by_sms_gets_the_medicine_answer(servers):
    replies = sms(servers, new_number(), "what are the side effects of prednisone?")
    answer = " ".join(replies)
    assert says_any(answer, MEDICINE) and "tap" not in answer, replies
    assert "Reply 1 for Talk to a person" in answer


@pytest.mark.parametrize(
    "message, response",
    [
        (
            "do i need an x-ray for my knee or is it a sprain",
            "utter_out_of_scope/diagnosis",
        ),
        (
            "is the walgreens next door open on sunday",
            "utter_out_of_scope/other_business",
        ),
        ("what's the weather in paris tomorrow?", "utter_out_of_scope/general"),
    ],
)
def test_out_of_scope_answers_fit_what_was_asked(servers, message, response):
    reply = chat(servers)(message)
    assert says(reply, response), reply


def test_a_diagnosis_question_is_asked_the_safety_question_first(servers):
    say = chat(servers)
    first = say("is my finger broken? it's swollen since yesterday")
    assert says(first, "utter_check_now"), first  # the safety gate, first
    assert says(say("no"), "utter_out_of_scope/diagnosis")


@pytest.mark.parametrize("message", ["human pls", "real person", "ur phone no?"])
def test_terse_requests_for_a_person_start_the_callback(servers, message):
    reply = chat(servers)(message)
    assert says(reply, "utter_handoff_intro"), reply


def _staff_list(servers, monkeypatch) -> str:
    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(servers.data_dir))
    out = io.StringIO()
    assert staff.main(["list"], out=out, err=io.StringIO()) == 0
    return out.getvalue()


def test_a_call_back_request_keeps_number_and_time_for_staff(servers, monkeypatch):
    say = chat(servers)
    asked = say("call me after 2pm on 760 555 0100")
    assert says(asked, "utter_handoff_intro") and "name" in asked.lower(), asked
    done = say("Jane Roe")
    match = CALLBACK.search(done)
    assert match and "the number ending 0100" in done, done
    assert says(done, "utter_handoff_call_time", callback_time="after 2:00 PM")
    record = next(
        r
        for r in BookingStore(servers.db_url).open_records()
        if r.reference == match.group(1)
    )
    assert record.contact == "+17605550100" and record.call_when == "after 2:00 PM"
    listed = _staff_list(servers, monkeypatch)
    line = next(line for line in listed.splitlines() if match.group(1) in line)
    assert "Jane Roe" in line and "call after 2:00 PM" in line


def test_a_call_back_request_by_sms_in_words(servers):
    number = new_number()
    first = " ".join(sms(servers, number, "pls ring me back tmrw morning"))
    assert says(first, "utter_handoff_intro"), first
    second = " ".join(sms(servers, number, "Sam Lee"))
    # the SMS channel already knows the number it texts from
    assert CALLBACK.search(second) or "mobile number" in second, second


def test_a_bare_number_when_nothing_was_asked_is_kept_and_offered(servers):
    say = chat(servers)
    reply = say("760 555 0100")
    assert says(reply, "utter_contact_for_what"), reply
    assert "haven't asked" not in reply
    titles = [b["title"] for b in buttons(say.last)]
    assert "Talk to a person" in titles
    done = say.tap("Talk to a person")
    assert "name" in done.lower()  # the number is kept: only the name is asked
    assert CALLBACK.search(say("Jo Park"))


def test_a_call_me_answer_inside_the_booking_form_stays_a_booking(servers):
    say = chat(servers)
    start_booking(say)
    say("Jane Doe")
    asked = say("By phone")
    assert "mobile number" in asked
    reply = say("call me on 760 555 0100")
    assert "Which day and time" in reply, reply
    assert not CALLBACK.search(reply)


def test_the_something_else_button_gets_the_general_answer(servers):
    reply = " ".join(texts(servers.say("/out_of_scope")))
    assert says(reply, "utter_out_of_scope/general"), reply
