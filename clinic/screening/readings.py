"""Numbers a patient gives: a temperature above the fever line, a blood pressure above
the high line. The list's phrases read words ("a fever", "high blood pressure"); "Temp
101.6" or "BP 165/100" name no condition in words, yet they are one.

Lines (American Heart Association and CDC conventions, the clinic's list decides what
they mean for a massage): fever from 100.4 °F / 38.0 °C; high blood pressure from
140 systolic or 90 diastolic. A number needs its measure's word close by
("temperature", "fever", "°", "BP", "blood pressure", "mmHg"), so "I'm 101 pounds" or
"a 120/80 split" are not readings.
"""

from __future__ import annotations

import re
from typing import Set

FEVER = "infection"  # the list's ids
HIGH_PRESSURE = "heart_blood_pressure"
FEVER_F, FEVER_C = 100.4, 38.0
HIGH_SYSTOLIC, HIGH_DIASTOLIC = 140, 90

_TEMPERATURE = re.compile(
    r"(?:temp(?:erature)?|fever|thermometer)\D{0,20}?(\d{2,3}(?:[.,]\d{1,2})?)"
    r"\s*(?:°|º|degrees?|deg)?\s*([fc])?\b"
    r"|(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg)\s*([fc]|fahrenheit|celsius)?",
    re.IGNORECASE,
)
_PRESSURE = re.compile(r"\b(\d{2,3})\s*/\s*(\d{2,3})\b")
_PRESSURE_WORDS = re.compile(
    r"\b(?:bp|b\.p\.|blood pressure|pressure|mmhg|mm hg|systolic|diastolic)\b",
    re.IGNORECASE,
)
PRESSURE_CONTEXT = 40  # characters either side of "165/100"


def conditions(text: str) -> Set[str]:
    """The list's ids the numbers in a message name."""
    found: Set[str] = set()
    if any(_is_fever(m) for m in _TEMPERATURE.finditer(text)):
        found.add(FEVER)
    for match in _PRESSURE.finditer(text):
        start, end = match.span()
        around = text[max(0, start - PRESSURE_CONTEXT) : end + PRESSURE_CONTEXT]
        systolic, diastolic = int(match.group(1)), int(match.group(2))
        if (
            _PRESSURE_WORDS.search(around)
            and 60 <= systolic <= 300
            and 30 <= diastolic < systolic
            and (systolic >= HIGH_SYSTOLIC or diastolic >= HIGH_DIASTOLIC)
        ):
            found.add(HIGH_PRESSURE)
    return found


def _is_fever(match: re.Match[str]) -> bool:
    number = match.group(1) or match.group(3)
    unit = (match.group(2) or match.group(4) or "").lower()[:1]
    value = float(number.replace(",", "."))
    if unit == "c" or (not unit and 34 <= value <= 43):
        return FEVER_C <= value <= 43
    return FEVER_F <= value <= 110
