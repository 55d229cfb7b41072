"""The screen's one state type and its two rules (clinic/screening/findings.py)."""

import pytest

from clinic.screening.findings import (
    OUTCOMES,
    Findings,
    at_least,
    merged,
    most_careful,
)
from clinic.screening.memory import established, new_flags
from clinic.screening.rules import UNSPECIFIED, outcome


def test_outcome_order_is_urgent_then_doctor_first_then_clear():
    assert most_careful("clear", "urgent", "doctor_first") == "urgent"
    assert most_careful("clear", None, "doctor_first") == "doctor_first"
    assert most_careful(None, "bogus") == "clear"
    assert at_least("urgent", "doctor_first") and not at_least("clear", "doctor_first")
    # the same order from ids, from a reading, and from a merge
    assert outcome(["pregnancy", "chest_pain"]) == "urgent"
    assert outcome([UNSPECIFIED]) == "doctor_first" == Findings({"diabetes"}).outcome
    assert (
        Findings(urgent={"stroke_signs"}, present={"diabetes"}).outcome == OUTCOMES[0]
    )


@pytest.mark.parametrize(
    "earlier, later, expected",
    [
        # a later, definite "not pregnant" settles an earlier "maybe"
        ({"unsure": ["pregnancy"]}, {"absent": ["pregnancy"]}, "absent"),
        # nothing unsays an earlier "yes"
        ({"present": ["pregnancy"]}, {"absent": ["pregnancy"]}, "present"),
        ({"present": ["pregnancy"]}, {"unsure": ["pregnancy"]}, "present"),
        # a new doubt after a "no" is careful again
        ({"absent": ["pregnancy"]}, {"unsure": ["pregnancy"]}, "unsure"),
        ({"absent": ["pregnancy"]}, {"present": ["pregnancy"]}, "present"),
    ],
)
def test_a_later_reading_settles_a_doubt_never_a_yes(earlier, later, expected):
    memory = merged([earlier, None, later])
    for key in ("present", "unsure", "absent"):
        assert ("pregnancy" in getattr(memory, key)) == (key == expected), key


def test_in_one_message_the_careful_reading_wins():
    one = Findings.from_reading(
        {
            "present": ["diabetes"],
            "unsure": ["diabetes", "pregnancy"],
            "absent": ["pregnancy", "infection"],
        }
    )
    assert (one.present, one.unsure, one.absent) == (
        {"diabetes"},
        {"pregnancy"},
        {"infection"},
    )


def test_the_screens_answers_count_emergency_signs_as_urgent():
    screen = established(present=["chest_pain", "diabetes"], unsure=["pregnancy"])
    assert screen.urgent == {"chest_pain"} and screen.present == {"diabetes"}
    assert Findings().then(screen).outcome == "urgent"


def test_likely_items_are_asked_by_name_until_something_settles_them():
    memory = merged([{"likely": ["infection", "diabetes"]}, {"absent": ["infection"]}])
    assert memory.to_ask_by_name == {"diabetes"}
    assert new_flags(Findings(), memory) == []
    assert new_flags(memory, memory.then(Findings(unsure={"diabetes"}))) == ["diabetes"]


def test_parse_data_round_trip():
    reading = Findings({"diabetes"}, urgent={"chest_pain"}, crisis=True).as_dict()
    assert Findings.from_reading(reading).as_dict() == reading
    assert reading["present"] == ["diabetes"] and reading["crisis"] is True
