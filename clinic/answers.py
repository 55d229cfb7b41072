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
from typing import Dict, FrozenSet, Optional

import yaml

WORDS_PATH = Path(__file__).resolve().parent / "answers.yml"
KEYS = ("yes", "no", "unsure", "yes_starts", "no_starts", "negations", "go_on")
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
