"""The health screen end to end: real NLU, real actions, outcomes in slots."""

import uuid

import pytest

from tests.helpers import buttons, opening, texts

pytestmark = pytest.mark.server


def conversation(servers):
    sender = uuid.uuid4().hex
    return sender, (lambda message: servers.say(message, sender))


def test_nothing_applies_is_clear_and_offers_booking(servers):
    sender, say = conversation(servers)
    question = " ".join(texts(say("is massage safe for me?")))
    assert opening("utter_ask_screen_any") in question
    assert "Diabetes" in question and "Pregnancy" in question
    result = say("no")
    assert "should be fine for you" in " ".join(texts(result))
    assert "Book a free consultation" in [b["title"] for b in buttons(result)]
    slots = servers.slots(sender)
    assert slots["screen_outcome"] == "clear" and slots["screen_conditions"] == []


def test_described_condition_then_no_gives_doctor_first(servers):
    """The contract's rule: what the text said counts, only the rest is asked."""
    sender, say = conversation(servers)
    question = " ".join(texts(say("I'm 20 weeks pregnant, can I still come?")))
    assert "I've noted: Pregnancy" in question
    assert "- Pregnancy" not in question, "already known, must not be asked again"
    result = " ".join(texts(say("no")))
    assert "check with your doctor" in result and "prenatal" in result
    assert "free consultation" in result
    slots = servers.slots(sender)
    assert slots["screen_outcome"] == "doctor_first"
    assert slots["screen_conditions"] == ["pregnancy"]
    assert not any("20 weeks" in str(v) for v in slots.values()), "user's words kept"


def test_yes_then_which_by_button(servers):
    sender, say = conversation(servers)
    say("can you check if massage is safe for me")
    which = say("yes")
    labels = [b["title"] for b in buttons(which)]
    assert "Diabetes" in labels and "None of these" in labels
    [diabetes] = [b for b in buttons(which) if b["title"] == "Diabetes"]
    result = " ".join(texts(say(diabetes["payload"])))
    assert "Diabetes" in result and "check with your doctor" in result
    assert servers.slots(sender)["screen_conditions"] == ["diabetes"]


def test_negated_conditions_are_not_held_against_the_patient(servers):
    sender, say = conversation(servers)
    question = " ".join(
        texts(
            say("is it safe for me? I'm not pregnant and I don't have any blood clots")
        )
    )
    assert "- Pregnancy" not in question
    say("no")
    assert servers.slots(sender)["screen_outcome"] == "clear"


def test_not_sure_then_none_is_clear_and_a_bare_digit_is_no_answer(servers):
    sender, say = conversation(servers)
    question = " ".join(texts(say("is massage safe for me")))
    # buttons are numbered only by SMS (tests/integration/test_sms_channel.py):
    # here "3" is not an answer, and the question is asked again
    assert "yes, no or not sure" in " ".join(texts(say("3")))
    which = " ".join(texts(say("Not sure")))
    assert (
        opening("utter_ask_screen_any") in question
        and opening("utter_ask_screen_which") in which
    )
    say("none of these")
    assert servers.slots(sender)["screen_outcome"] == "clear"


def test_red_flag_in_the_middle_of_the_screen_means_urgent_and_no_booking(servers):
    sender, say = conversation(servers)
    say("is massage safe for me?")
    urgent = " ".join(texts(say("actually I have chest pain right now")))
    assert "Call 911 now" in urgent and "Don't drive yourself" in urgent
    assert servers.slots(sender)["screen_outcome"] == "urgent"
    assert servers.slots(sender)["requested_slot"] is None
    after = " ".join(texts(say("ok can I book a consultation")))
    assert "can't book" in after and "911" in after


def test_red_flag_out_of_the_blue_is_urgent(servers):
    _, say = conversation(servers)
    reply = " ".join(texts(say("my calf is suddenly swollen, red and really painful")))
    assert "911" in reply


def test_stop_leaves_the_screen_politely(servers):
    sender, say = conversation(servers)
    say("is massage safe for me?")
    reply = " ".join(texts(say("stop")))
    assert "stopped the safety questions" in reply
    assert servers.slots(sender)["requested_slot"] is None
    assert "30 minutes" in " ".join(texts(say("how long is a session?")))


def test_booking_runs_the_screen_first(servers):
    sender, say = conversation(servers)
    reply = " ".join(texts(say("I want to book a free consultation")))
    assert opening("utter_ask_screen_any") in reply
    booking = " ".join(texts(say("no")))
    assert "should be fine for you" in booking
    assert "online, by phone or in person" in booking
    assert opening("utter_ask_patient_name") in booking


def test_an_earlier_maybe_is_settled_by_a_later_no_but_a_yes_is_not(servers):
    """One merge rule (clinic/screening/findings.py) for the memory and the form: the
    patient's definite "not pregnant" settles their earlier "might be"; it does not
    unsay an earlier "I'm pregnant"."""
    sender, say = conversation(servers)
    question = " ".join(texts(say("I might be pregnant. Is massage safe for me?")))
    assert "Pregnancy" in question and "- Pregnancy" not in question
    say("no, I'm not pregnant")
    slots = servers.slots(sender)
    assert slots["screen_outcome"] == "clear", slots
    assert slots["screen_unsure"] == [] and "pregnancy" in slots["screen_ruled_out"]

    sender, say = conversation(servers)
    say("I'm pregnant. Is massage safe for me?")
    say("no, I'm not pregnant")
    slots = servers.slots(sender)
    assert slots["screen_outcome"] == "doctor_first"
    assert slots["screen_conditions"] == ["pregnancy"]


def test_a_faq_question_in_the_middle_gets_its_answer_and_the_question_again(servers):
    """The question is repeated after the answer, without the screen's intro again."""
    sender, say = conversation(servers)
    first = " ".join(texts(say("is massage safe for me?")))
    assert "A few quick safety questions first" in first
    again = " ".join(texts(say("what should I wear?")))
    assert (
        "everyday clothing is fine" in again
        and opening("utter_ask_screen_any") in again
    )
    assert "A few quick safety questions first" not in again
