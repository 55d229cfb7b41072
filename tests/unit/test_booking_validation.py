"""Name, contact and mode answers in the booking and callback forms."""

import pytest

from clinic.booking.validation import (
    Contact,
    clean_name,
    parse_contact,
    parse_mode,
    same_contact,
)
from clinic.booking.wording import shown_contact
from clinic.hours import OpeningHours


@pytest.mark.parametrize(
    "text, name",
    [
        ("Jane Doe", "Jane Doe"),
        ("my name is jane doe", "Jane Doe"),
        ("I'm Zoë", "Zoë"),
        ("José María O'Neil-Smith", "José María O'Neil-Smith"),
        ("李小龙", "李小龙"),
        ("  Dr. Amy  ", "Dr. Amy"),
    ],
)
def test_names_in_any_script_are_accepted_and_tidied(text, name):
    assert clean_name(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Jane123",
        "jane@example.com",
        "how long is a session?",
        "how long is a session",
        "i want to book",
        "yes",
        "a" * 81,
        "one two three four five six",
        "🙂",
    ],
)
def test_things_that_are_not_names_are_refused(text):
    assert clean_name(text) is None


@pytest.mark.parametrize(
    "text, value",
    [
        ("(760) 555-0100", "+17605550100"),
        ("my number is 760 555 0134 thanks", "+17605550134"),
        ("+1 760-555-0100", "+17605550100"),
        ("+44 7911 123456", "+447911123456"),
        ("Jane.Doe@Example.COM", "Jane.Doe@example.com"),
        ("email me at jane@example.com please", "jane@example.com"),
    ],
)
def test_contacts_are_validated_and_normalised(text, value):
    assert parse_contact(text).value == value


@pytest.mark.parametrize(
    "text",
    ["12345", "555", "jane@", "jane@@example.com", "call me", "+44 20 7946 0958"],
)  # the last is a UK landline
def test_invalid_contacts_are_refused(text):
    assert parse_contact(text) is None


def test_a_phone_consultation_needs_a_phone_number():
    assert parse_contact("jane@example.com", phone_only=True) is None
    assert parse_contact("760 555 0100", phone_only=True).kind == "phone"


def test_contacts_are_read_back_partly_masked_and_shown_readably():
    assert Contact("phone", "+17605550100").masked() == "the number ending 0100"
    assert Contact("email", "jane@example.com").masked() == "j***@example.com"
    assert shown_contact("+17605550100") == "(760) 555-0100"
    assert shown_contact("+447911123456") == "+44 7911 123456"
    assert same_contact("Jane@Example.com", "jane@example.com")


@pytest.mark.parametrize(
    "text, mode",
    [
        ("Online", "online"),
        ("a video call please", "online"),
        ("By phone", "phone"),
        ("can you call me", "phone"),
        ("In person", "in_person"),
        ("I'll come to the clinic", "in_person"),
        ("both phone and online", None),
        ("dunno", None),
    ],
)
def test_consultation_mode(text, mode):
    assert parse_mode(text) == mode


def test_opening_hours_config_is_checked_and_described():
    hours = OpeningHours.from_config(
        {"mon": "08:00-18:00", "tue": "08:00-18:00", "sat": "09:00-12:00, 13:00-15:00"}
    )
    assert hours.describe() == (
        "Mon–Tue 8:00 am–6:00 pm; Sat 9:00 am–12:00 pm, 1:00 pm–3:00 pm"
    )
    for bad in (
        {"mon": "8-6"},
        {"monday": "08:00-18:00"},
        {"mon": "18:00-08:00"},
        {},
        "9 to 5",
    ):
        with pytest.raises(ValueError):
            OpeningHours.from_config(bad)
    assert not OpeningHours.from_config(None).configured


@pytest.mark.parametrize(
    "text, answer",
    [
        ("yes, book it", True),
        ("ok great", True),
        ("looks good to me", True),
        ("Yes please", True),
        ("no thanks", False),
        ("nope, wrong day", False),
        ("yes but change the time", None),
        ("what?", None),
        ("", None),
    ],
)
def test_yes_or_no_in_a_sentence(text, answer):
    from clinic.answers import yes_or_no

    assert yes_or_no(text) is answer
