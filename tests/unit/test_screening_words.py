"""The matcher's word lists are data with a schema, numbers are read generally and the
clock is injected (clinic/screening/words.yml, conditions.py, matcher.py)."""

from datetime import date

import pytest
import yaml

from clinic.language import build
from clinic.screening import conditions
from clinic.screening.conditions import all_conditions, contraindications
from clinic.screening.matcher import ConditionMatcher, find_conditions


@pytest.mark.parametrize("number", ["six", "seven", "eleven", "twenty-five", "12"])
def test_every_number_of_years_is_history(number):
    """An emergency sign told with how many years it has lasted is a history item
    ("for seven years" as "for six years"), never the 911 answer."""
    found = find_conditions(f"I have had chest pain for {number} years")
    assert found.urgent == set() and found.present == {"heart_blood_pressure"}


def test_an_age_in_years_is_no_time_back():
    found = find_conditions("I am 34 years old and I have chest pain right now")
    assert found.urgent == {"chest_pain"}


@pytest.mark.parametrize("age", ["nine", "twenty-five", "twenty five", "12"])
def test_an_age_someone_was_is_long_ago(age):
    """A recent-only item told at an age someone was has healed."""
    assert find_conditions(f"I broke my leg when I was {age}").present == set()


@pytest.fixture(scope="module")
def nlp():
    return build(with_lemmatizer=True)


def test_the_clock_is_injected(nlp):
    """'in 2024' is long ago from 2026 on, not in 2025 (year before last)."""
    text = "I had knee surgery in 2024"

    def reading(today):
        return ConditionMatcher(nlp, all_conditions(), today=lambda: today).find(text)

    assert reading(date(2026, 6, 1)).present == set()
    assert reading(date(2025, 6, 1)).present == {"recent_injury_surgery"}


def test_a_typo_in_the_lists_is_refused(tmp_path, monkeypatch):
    cues = yaml.safe_load(conditions.CUES_PATH.read_text())
    cues["negaton"] = cues.pop("negation")
    bad = tmp_path / "cues.yml"
    bad.write_text(yaml.safe_dump(cues))
    monkeypatch.setattr(conditions, "CUES_PATH", bad)
    conditions.cues.cache_clear()
    try:
        with pytest.raises(ValueError, match="negaton"):
            conditions.cues()
    finally:
        monkeypatch.undo()
        conditions.cues.cache_clear()
    entry = {"id": "x", "label": "X", "reason": "r", "outcome": "doctor_first",
             "phrases": ["x"], "exlude": ["y"]}  # fmt: skip
    with pytest.raises(ValueError, match="exlude"):
        conditions._parse([entry], "doctor_first")


def test_the_sms_list_uses_short_labels_where_given():
    shorts = {c.id: c.short_label for c in contraindications()}
    assert shorts["pregnancy"] == "Pregnancy"  # no short label: the label
    assert len(", ".join(shorts.values())) <= 230
