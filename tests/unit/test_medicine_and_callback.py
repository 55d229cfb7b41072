"""Two small readers of what patients type: a question about a medicine (answered
"ask your doctor or pharmacist", never a massage FAQ) and a request to be called back
(kept for staff with its number and time)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from clinic import callback
from clinic.medicine import asks_about_medicine, names_medicine

MEDICINE_QUESTIONS = [
    "when does a muscle relaxant kick in",
    "should i take more of my anxiety meds today",
    "is voltaren gel ok with a blood thinner?",
    "how much ibuprofen is too much for back pain",
    "is 800mg of advil safe",
    "can I stop my zoloft",
    "Tylenol while pregnant?",
    "what are the side effects of prednisone",
    "can i mix tylenol and aleve for my neck",
]
NOT_MEDICINE = [
    # massage while on a medicine: the health screen's question
    "can i have a massage on blood thinners",
    "I take eliquis, is deep tissue ok for me?",
    # the clinic asking about medicines
    "why do you care what medications I take?",
    "does my massage therapist need to know my meds",
    # words that only look like medicine
    "my pillow is too high, what do i do",
    "is the drugstore on 2nd street open",
    "what should I wear",
    # a statement, no question
    "i took my meds this morning and feel good",
]


@pytest.mark.parametrize("text", MEDICINE_QUESTIONS)
def test_a_question_about_a_medicine_is_read_as_one(text):
    assert asks_about_medicine(text)


@pytest.mark.parametrize("text", NOT_MEDICINE)
def test_massage_questions_and_lookalikes_are_not(text):
    assert not asks_about_medicine(text)


def test_a_medicine_named_in_a_statement_is_still_named():
    assert names_medicine("I take blood thinners")
    assert names_medicine("on 20mg of lexapro")
    assert not names_medicine("I sleep badly")


NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Monday


@pytest.mark.parametrize(
    "text, number, when",
    [
        ("call me after 2pm on 760 555 0100", "+17605550100", "after 2:00 PM"),
        ("ring me back after 3", None, "after 3:00 PM"),
        (
            "pls call me tmrw morning 619-555-0123",
            "+16195550123",
            "tomorrow (Tue 8 Dec), morning",
        ),
        ("can someone call me friday at 10:30", None, "Fri 11 Dec, 10:30 AM"),
        ("call back at lunch", None, "lunchtime"),
        ("can u have someone phone me", None, None),
    ],
)
def test_a_call_back_request_keeps_its_number_and_time(text, number, when):
    assert callback.asks_for_call(text)
    phone = callback.phone_in(text)
    assert (phone.value if phone else None) == number
    assert callback.call_when(text, NOW) == when


@pytest.mark.parametrize(
    "text", ["human pls", "what are your prices", "I'm on 760 555 0100", "phone"]
)
def test_other_messages_are_not_call_back_requests(text):
    assert not callback.asks_for_call(text)


def test_the_number_is_not_read_as_a_time():
    # "760" is not 7:60 and "0100" is not 1 AM: only the words around the number count
    assert callback.call_when("call me on 760 555 0100", NOW) is None
