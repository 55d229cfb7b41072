"""Misspellings of the list's words are read as the words meant; real words never are
(clinic/screening/spelling.py)."""

import pytest

from clinic.screening.matcher import find_conditions
from clinic.screening.spelling import Speller, edit_distance, english_words


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(
        ["pregnant", "diabetes", "amlodipine", "infection", "manage"], english_words()
    )


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("pregnat", "pregnant"),
        ("pregant", "pregnant"),
        ("dibetes", "diabetes"),
        ("diabtees", "diabetes"),
        ("amlodopine", "amlodipine"),
        ("Pregnat", "pregnant"),
    ],
)
def test_a_misspelt_list_word_is_read_as_meant(
    speller: Speller, typed: str, meant: str
):
    assert speller.correct(f"I am {typed} now") == f"I am {meant} now"


@pytest.mark.parametrize(
    "text",
    [
        "I had an injection in my knee",  # an English word one edit from "infection"
        "can I get a masage",  # "massage" misspelt, not "manage"
        "my pregnancy",  # an English word, though not one of these list words
        "xpregnant",  # another first letter
        "preg",  # too short to guess
    ],
)
def test_real_words_and_far_words_stay(speller: Speller, text: str):
    assert speller.correct(text) == text


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("diabtees", "diabetes", 2) == 1
    assert edit_distance("amlodopine", "amlodipine", 2) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3  # capped above the limit


@pytest.mark.parametrize(
    "text, outcome",
    [
        ("im pregnat with my 2nd, is massage ok", "doctor_first"),
        ("i have dibetes type 2 and sore feet", "doctor_first"),
        ("I had a flu injection last week and my arm is sore", "clear"),
        ("I cant breath and my chest is realy tight", "urgent"),
    ],
)
def test_the_screen_reads_misspelt_messages(text: str, outcome: str):
    assert find_conditions(text).outcome == outcome
