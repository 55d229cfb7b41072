"""The screen's pure logic: matching, negation, several conditions, outcome."""

from pathlib import Path

import pytest
import yaml

from clinic.answers import answer, goes_on, yes_or_no
from clinic.screening.conditions import all_conditions, contraindications, red_flags
from clinic.screening.matcher import find_conditions
from clinic.screening.rules import UNSPECIFIED, outcome

PHRASINGS = yaml.safe_load(
    (Path(__file__).parent / "screening_phrasings.yml").read_text()
)
ADVERSARIAL = yaml.safe_load(
    (Path(__file__).parent / "screening_adversarial.yml").read_text()
)


def test_the_list_has_every_condition_from_both_articles():
    ids = {c.id for c in contraindications()}
    assert ids == {
        "infection",
        "blood_clots",
        "clotting_disorder",
        "cancer",
        "pregnancy",
        "skin",
        "inflammation",
        "kidney_liver",
        "recent_injury_surgery",
        "heart_blood_pressure",
        "diabetes",
        "osteoporosis",
        "lymphedema",
    }
    # the clinic's own additions are marked as beyond the articles
    assert {c.id for c in contraindications() if c.beyond_articles} == {
        "osteoporosis",
        "lymphedema",
    }
    assert {c.id for c in red_flags()} == {
        "chest_pain",
        "breathless",
        "calf_clot_signs",
        "stroke_signs",
        "fainting",
    }


def test_phrasings_cover_every_condition_and_red_flag():
    assert len(PHRASINGS) >= 60
    keys = ("present", "urgent", "absent")
    covered = {
        i for p in PHRASINGS + ADVERSARIAL for key in keys for i in p.get(key, [])
    }
    assert covered >= {c.id for c in all_conditions()}


def read(found):
    return {
        "present": found.present,
        "unsure": found.unsure,
        "absent": found.absent,
        "urgent": found.urgent,
    }


@pytest.mark.parametrize("case", PHRASINGS, ids=lambda case: case["text"])
def test_phrasing(case):
    found = read(find_conditions(case["text"]))
    for key in ("present", "urgent", "absent"):
        assert found[key] == set(case.get(key, [])), key


@pytest.mark.parametrize("case", ADVERSARIAL, ids=lambda case: case["text"])
def test_hard_case(case):
    """Word senses, uncertainty, time, another person, lay phrasings, crisis."""
    found = find_conditions(case["text"])
    assert found.outcome == case["outcome"]
    assert found.crisis == case.get("crisis", False)
    for key, value in read(found).items():
        assert value == set(case.get(key, [])), key


@pytest.mark.parametrize(
    "ids, expected",
    [
        ([], "clear"),
        (["pregnancy"], "doctor_first"),
        (["diabetes", "cancer"], "doctor_first"),
        (["pregnancy", "chest_pain"], "urgent"),
        (["fainting"], "urgent"),
        ([UNSPECIFIED], "doctor_first"),
        (["not_a_condition"], "clear"),
    ],
)
def test_outcome(ids, expected):
    assert outcome(ids) == expected


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", None, "yes"),
        ("Y", None, "yes"),
        ("nope", None, "no"),
        ("None of these", None, "no"),
        ("not sure", None, "unsure"),
        ("idk", None, "unsure"),
        ("whatever", "affirm", "yes"),
        ("whatever", "deny", "no"),
        ("my back hurts", "faq", None),
        ("", None, None),
        # longer answers, read by how they start; careful wins
        ("yes, book it", None, "yes"),
        ("yeah I think so", None, "yes"),
        ("no thanks, wrong day", None, "no"),
        ("no, I'm not sure", None, "unsure"),
        ("Not sure", "deny", "unsure"),  # the NLU's deny for "not sure": careful wins
        ("yes but the time is wrong", None, None),
        # a question is no answer, and a digit is a button only where numbered (SMS)
        ("ok, and what does it cost?", None, None),
        ("ok what does it cost", "faq", None),
        ("1", None, None),
        ("3", None, None),
    ],
)
def test_one_reader_of_yes_no_and_not_sure(text, intent, expected):
    assert answer(text, intent) == expected
    assert yes_or_no(text, intent) == {"yes": True, "no": False}.get(expected or "")


def test_go_on_after_a_help_text():
    assert goes_on("Continue.", None) and goes_on("/affirm", "affirm")
    assert not goes_on("my name is Jo", "inform")
