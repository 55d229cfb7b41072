"""The one reader of a patient's yes, no and "not sure" (pure functions).

A button's value comes first ('/inform{"answer": "unsure"}'), then "not sure" anywhere
in the answer (careful wins, and the NLU tends to read "not sure" as a no), then the
NLU: its affirm and deny intents (a button's "/affirm" among them). Where it did not
decide, the words in answers.yml do: the whole answer ("yep", "none of these"), then
how a longer answer starts ("yes, book it"; "no thanks"). A digit is not an answer
here: only a channel that numbered the buttons knows what it means, and the SMS
channel turns it into that button's payload before the assistant reads it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional

import yaml

WORDS_PATH = Path(__file__).resolve().parent / "answers.yml"
KEYS = (
    "yes",
    "no",
    "unsure",
    "yes_starts",
    "no_starts",
    "negations",
    "go_on",
    "now_no",
    "now_yes",
    "now_words",
)
YES, NO, UNSURE = "yes", "no", "unsure"
INTENTS = {"affirm": YES, "deny": NO}


@lru_cache(maxsize=1)
def _words() -> Dict[str, FrozenSet[str]]:
    data = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))
    if set(data) != set(KEYS):
        raise ValueError(f"answers.yml must hold exactly {KEYS}, not {sorted(data)}")
    return {key: frozenset(_plain(str(w)) for w in data[key]) for key in KEYS}


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def answer(
    text: Optional[str], intent: Optional[str] = None, button: Optional[str] = None
) -> Optional[str]:
    """'yes', 'no', 'unsure', or None when the message is no yes/no answer. `button`:
    the answer a button's payload carries (its `answer` entity: "unsure")."""
    if button in (YES, NO, UNSURE):
        return button
    words = _words()
    plain = _plain(text or "")
    padded = f" {plain} "
    if any(f" {phrase} " in padded for phrase in words[UNSURE]):
        return UNSURE  # before the NLU, which reads "not sure" as a no
    if intent in INTENTS:
        return INTENTS[intent]
    if not plain:
        return None
    for key in (YES, NO):
        if plain in words[key]:
            return key
    if intent == "faq" or "?" in (text or ""):
        return None  # a question ("ok, and what does it cost?"), not an answer
    tokens = plain.split()
    if tokens[0] in words["no_starts"]:
        return NO
    starts = {tokens[0], " ".join(tokens[:2]), " ".join(tokens[:3])}
    if starts & words["yes_starts"] and not words["negations"] & set(tokens):
        return YES
    return None


def yes_or_no(text: Optional[str], intent: Optional[str] = None) -> Optional[bool]:
    """True for yes, False for no, None otherwise ("not sure" included)."""
    read = answer(text, intent)
    return {YES: True, NO: False}.get(read or "")


def goes_on(text: Optional[str], intent: Optional[str] = None) -> bool:
    """ "continue", "ok", a yes: the patient wants the question again after a help
    text."""
    return intent == "affirm" or _plain(text or "") in _words()["go_on"]


def now_answer(text: Optional[str], button: Optional[str] = None) -> Optional[str]:
    """The answer to "is any of this happening right now?": 'yes', 'no', 'unsure' or
    None when the message says neither.

    Read from the words alone: the NLU's intents read "Yes, it's happening now" as
    "not happening" (its not_urgent examples are about that very phrase). A button's
    value (`button`: yes, no, unsure) comes first; a digit means a button only where
    the channel numbered them, and the SMS channel turns it into the payload. "Not
    sure" anywhere, or a yes and a no in one answer, is 'unsure': for this question
    the careful reading wins, and the caller treats it as a yes."""
    if button in (YES, NO, UNSURE):
        return button
    words = _words()
    padded = f" {_plain(text or '')} "
    if not padded.strip():
        return None
    if any(f" {phrase} " in padded for phrase in words[UNSURE]):
        return UNSURE
    tokens = padded.split()
    covered = _covered(tokens, words["now_no"])
    for i in range(1, len(tokens)):  # "isn't happening | now"
        covered[i] = covered[i] or (covered[i - 1] and tokens[i] in words["now_words"])
    said_no = any(covered) or tokens[0] in words[NO]
    rest = " ".join(
        "|" if hit else token for token, hit in zip(tokens, covered, strict=True)
    )
    said_yes = any(f" {phrase} " in f" {rest} " for phrase in words["now_yes"])
    if said_yes and said_no:
        return UNSURE
    if said_yes:
        return YES
    return NO if said_no else None


def _covered(tokens: List[str], phrases: FrozenSet[str]) -> List[bool]:
    """Which tokens lie inside one of the phrases (overlaps allowed)."""
    covered = [False] * len(tokens)
    for phrase in phrases:
        size = len(phrase.split())
        for start in range(len(tokens) - size + 1):
            if " ".join(tokens[start : start + size]) == phrase:
                covered[start : start + size] = [True] * size
    return covered
