"""Reading the patient's answers to the screen's questions (pure functions)."""

from __future__ import annotations

import re
from typing import Optional

YES_WORDS = {
    "yes",
    "y",
    "yep",
    "yeah",
    "yup",
    "ya",
    "sure",
    "correct",
    "true",
    "ok",
    "okay",
}
NO_WORDS = {
    "no",
    "n",
    "nope",
    "nah",
    "none",
    "nothing",
    "neither",
    "false",
    "no none",
    "none of them",
    "none of these",
    "none of those",
    "not really",
}
UNSURE_WORDS = {
    "not sure",
    "unsure",
    "maybe",
    "dont know",
    "don't know",
    "idk",
    "i dont know",
    "i don't know",
    "possibly",
    "perhaps",
}
# Button order on the first question: 1 = Yes, 2 = No, 3 = Not sure (SMS digits).
DIGITS = {"1": "yes", "2": "no", "3": "unsure"}


def yes_no_unsure(text: Optional[str], intent: Optional[str]) -> Optional[str]:
    """'yes', 'no', 'unsure' or None (not a yes/no answer)."""
    if intent == "affirm":
        return "yes"
    if intent == "deny":
        return "no"
    cleaned = re.sub(r"[^\w' ]", "", (text or "").lower()).strip()
    if cleaned in DIGITS:
        return DIGITS[cleaned]
    if cleaned in YES_WORDS:
        return "yes"
    if cleaned in NO_WORDS:
        return "no"
    if cleaned in UNSURE_WORDS:
        return "unsure"
    return None
