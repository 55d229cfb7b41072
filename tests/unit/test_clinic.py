"""Clinic facts: known facts shown, missing ones honest, a bad file refused."""

from pathlib import Path

import pytest
import yaml

from clinic.facts import MISSING, SLOT_FOR_FACT, load_facts, slot_values
from tests.conftest import CLINIC_NAME
from tests.helpers import ROOT


def test_the_shipped_clinic_file_is_valid_and_has_every_fact_key():
    facts = load_facts(ROOT / "clinic.yml")  # a typo or a bad value raises
    assert set(SLOT_FOR_FACT) <= set(facts)
    slots = slot_values(facts)
    assert slots["clinic_name"] != MISSING and slots["clinic_city"] != MISSING


def test_the_tests_run_with_the_fixture_facts_not_the_shipped_ones():
    assert slot_values(load_facts())["clinic_name"] == CLINIC_NAME


def test_unfilled_facts_are_never_invented():
    slots = slot_values(
        {"name": "X", "phone": None, "prices": "FILL_IN", "address": "  "}
    )
    assert slots["clinic_phone"] == MISSING
    assert slots["clinic_prices"] == MISSING
    assert slots["clinic_address"] == MISSING
    assert slots["clinic_name"] == "X"


def test_filled_fact_is_used(tmp_path: Path):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump({"name": "A", "phone": "+1 760 555 0100"}))
    assert slot_values(load_facts(path))["clinic_phone"] == "+1 760 555 0100"


@pytest.mark.parametrize("content", ["- a list\n", "nmae: typo\n"])
def test_broken_clinic_file_fails_loudly(tmp_path: Path, content: str):
    path = tmp_path / "clinic.yml"
    path.write_text(content)
    with pytest.raises(ValueError):
        load_facts(path)


def test_words_inside_answers_come_from_channel_texts(tmp_path, monkeypatch):
    """Staff change the words in channel_texts.yml, not in Python; a missing word
    fails loudly at start."""
    import yaml

    from clinic import words
    from clinic.booking.wording import consultation_kind

    data = yaml.safe_load(words.PATH.read_text(encoding="utf-8"))
    data["words"]["mode_in_person"] = "at the clinic"
    edited = tmp_path / "channel_texts.yml"
    edited.write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setattr(words, "PATH", edited)
    words._words.cache_clear()
    try:
        assert consultation_kind("in_person", True).endswith(", at the clinic")
        del data["words"]["option_deny"]
        edited.write_text(yaml.safe_dump(data), encoding="utf-8")
        words._words.cache_clear()
        with pytest.raises(ValueError, match="option_deny"):
            words.word("option_affirm")
    finally:
        words._words.cache_clear()
