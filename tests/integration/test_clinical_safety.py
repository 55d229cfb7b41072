"""Clinical safety as a patient meets it, through REST and SMS: emergencies in any tense
or person, a crisis route, a health memory for the whole conversation, "not sure" is
not "no", and no false alarms from ordinary words."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import buttons, opening, texts
from tests.integration.test_sms_channel import new_number, sms

pytestmark = pytest.mark.server

CALL_911 = "Call 911 now"
URGENT = "call 911 or go to the nearest emergency department"
CRISIS = "call or text 988"


def conversation(servers):
    sender = uuid.uuid4().hex

    def say(message):
        return " ".join(texts(servers.say(message, sender)))

    return sender, say


def test_a_swollen_red_leg_described_at_length_gets_urgent_care(servers):
    _, say = conversation(servers)
    reply = say(
        "hi, for two days my left leg has been swollen from the knee down and "
        "the skin is going red and feels warm. i thought i just pulled "
        "something. what is the remedy?"
    )
    assert URGENT in reply and "Sorry, I can only help" not in reply


@pytest.mark.parametrize(
    "message", ["I think I'm having a heart attack", "my husband is having a stroke"]
)
def test_heart_attack_and_stroke_now_say_call_911_and_not_to_drive(servers, message):
    sender, say = conversation(servers)
    reply = say(message)
    assert CALL_911 in reply and "Don't drive yourself" in reply
    assert servers.slots(sender)["screen_outcome"] == "urgent"


def test_the_urgent_answer_is_not_a_dead_end(servers):
    sender, say = conversation(servers)
    first = servers.say("my chest is tight and hurts a lot", sender)
    assert {"/human_handoff", "/not_urgent"} <= {b["payload"] for b in buttons(first)}
    reply = say("it's not happening now, that was years ago")
    assert "a person from the clinic can talk it through" in reply
    assert "What's your name?" in say("talk to a person")


def test_weekly_chemotherapy_question_gets_the_cancer_guidance(servers):
    sender, say = conversation(servers)
    reply = say(
        "My mother is in her 60s. Can I get a massage before each of my weekly "
        "chemotherapy sessions? It would help me relax"
    )
    assert "Cancer, or chemotherapy or radiotherapy" in reply
    assert "Did you mean" not in reply
    assert servers.slots(sender)["health_conditions"] == ["cancer"]
    # asked for herself: the screen, noted cancer, asks the rest, then explains
    if "oncology team" not in reply:
        assert "Do any of these other things apply to you?" in reply
        reply = say("no")
    assert "oncology team" in reply


def test_a_condition_said_earlier_is_remembered_by_the_screen(servers):
    sender, say = conversation(servers)
    first = say(
        "I've been type 2 diabetic for a few years and my neck and shoulders "
        "are really stiff from work, would a massage help with that?"
    )
    assert "Diabetes" in first and "check with your doctor" in first
    noted = say("Check if massage is safe for me")
    assert "I've noted: Diabetes" in noted
    result = say("no")
    assert "should be fine for you" not in result and "check with your doctor" in result
    assert servers.slots(sender)["screen_outcome"] == "doctor_first"


@pytest.mark.parametrize(
    "message, label",
    [
        ("I don't know if I'm pregnant", "Pregnancy"),
        ("I'm not sure if I have a blood clot", "Blood clots"),
    ],
)
def test_not_sure_is_never_ruled_out(servers, message, label):
    sender, say = conversation(servers)
    # the screen starts here or at the next message, and says once what it noted
    screen = say(message) + " " + say("is massage safe for me?")
    assert screen.count("You weren't sure about") == 1 and label in screen
    result = say("no")  # nothing else applies
    assert servers.slots(sender)["screen_outcome"] == "doctor_first"
    assert label in result


def test_crisis_gets_988_911_and_a_person_and_nothing_is_booked(servers):
    sender, say = conversation(servers)
    say("I want to book a consultation")  # the screen starts
    reply = servers.say("honestly I want to kill myself", sender)
    text = " ".join(texts(reply))
    assert CRISIS in text and "911" in text
    assert "/human_handoff" in {b["payload"] for b in buttons(reply)}
    assert servers.slots(sender)["requested_slot"] is None  # the questions stopped


@pytest.mark.parametrize(
    "message",
    [
        "what should I expect at the first visit?",
        "I'm really wound up",
        "I can't lift my arm since my frozen shoulder started",
        "I fainted once years ago at a blood draw",
    ],
)
def test_ordinary_words_raise_no_alarm_and_booking_stays_open(servers, message):
    sender, say = conversation(servers)
    reply = say(message)
    assert "911" not in reply
    assert not servers.slots(sender).get("health_conditions")
    assert servers.slots(sender)["screen_outcome"] != "urgent"
    assert "A few quick safety questions first" in say("book a consultation")


def test_a_joint_replacement_is_on_the_list(servers):
    sender, say = conversation(servers)
    say("is massage safe for me?")
    say("I had a knee replacement five weeks ago")
    assert servers.slots(sender)["screen_outcome"] == "doctor_first"


def test_by_sms_emergency_crisis_and_memory_work_the_same(servers):
    number = new_number()
    urgent = " ".join(sms(servers, number, "I think I'm having a heart attack"))
    assert CALL_911 in urgent and "Reply 1 for Talk to a person" in urgent
    other = new_number()
    crisis = " ".join(sms(servers, other, "i want to end my life"))
    assert CRISIS in crisis
    third = new_number()
    assert "Diabetes" in " ".join(
        sms(servers, third, "I'm diabetic, does massage hurt?")
    )
    assert "I've noted: Diabetes" in " ".join(
        sms(servers, third, "is massage safe for me")
    )


# Told in words the clinic's list does not read as a sign; the emergency net does.
NET_STORY = "there's a weight sitting on my chest and I'm sweaty and sick"
CHECK_NOW = "is any of this happening right now?"


def test_a_likely_emergency_the_list_cannot_read_gets_one_question(servers):
    sender, say = conversation(servers)
    first = servers.say(NET_STORY, sender)
    assert CHECK_NOW in " ".join(texts(first))
    assert {"/affirm", "/deny"} <= {b["payload"] for b in buttons(first)}
    reply = say("yes")
    assert URGENT in reply
    assert servers.slots(sender)["screen_outcome"] == "urgent"


def test_not_happening_now_carries_on_and_is_not_asked_again(servers):
    sender, say = conversation(servers)
    assert CHECK_NOW in say(NET_STORY + ", what should I wear?")
    reply = say("no")
    assert "call 911 straight away" in reply and CHECK_NOW not in reply
    again = say(NET_STORY + " again")
    assert CHECK_NOW not in again and URGENT not in again
    assert servers.slots(sender)["now_checked"] == "no"


def test_the_question_interrupts_the_screen_and_the_screen_starts_again(servers):
    sender, say = conversation(servers)
    assert opening("utter_ask_screen_any") in say("is massage safe for me?")
    assert CHECK_NOW in say(NET_STORY)
    assert opening("utter_ask_screen_any") in say("no")
