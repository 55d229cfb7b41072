"""A request to be called back, in the patient's own few words (pure functions).

"ring me back after 3", "call me after 2pm on 760 555 0100", "pls call tmrw morning":
a call-back request is a hand-off to a person. What the message already gives is
kept for staff: the number (normalised, stored like a booking's contact) and when to
call, written the way staff read it ("Tue 8 Dec, after 2:00 PM"), never the
patient's words. The day and clock readers are the booking's (clinic/booking/
timeparse.py), so "tmrw", "Friday" and "at 3" mean the same in both.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Optional

import phonenumbers

from clinic.booking import timeparse
from clinic.booking.validation import DEFAULT_REGION, Contact, parse_phone

ASKS_FOR_CALL = re.compile(
    r"\b(?:call|ring|phone|buzz|text)\s+(?:me|us|him|her|my\s+\w+)\b"
    r"|\bcall\s*-?\s*back\b|\bcallback\b|\bcall\s+(?:\w+\s+){0,2}back\b"
    r"|\b(?:give|gimme)\s+(?:me|us)\s+a\s+(?:call|ring|buzz)\b"
    r"|\b(?:someone|somebody|anyone|the\s+\w+)\s+(?:to\s+)?(?:call|ring|phone)\b"
    r"|\breach\s+me\s+(?:at|on)\b"
)
RELATION = re.compile(r"\b(after|before|around|about|by|between|from|until|till)\b")
# "after 3" reads as a clock time the way "at 3" does
_TO_CLOCK = re.compile(r"\b(?:after|before|between|from|until|till)\s+(?=\d)")


def asks_for_call(text: str) -> bool:
    """The message asks to be called (back)."""
    return bool(ASKS_FOR_CALL.search(timeparse.normalise(text or "")))


def phone_in(text: str, region: str = DEFAULT_REGION) -> Optional[Contact]:
    """The mobile number the message gives, normalised (None when it gives none)."""
    return parse_phone(text or "", region)


def _without_numbers(text: str, region: str) -> str:
    """The text with phone numbers blanked out, so their digits are not read as a
    day or a time."""
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        text = text[: match.start] + " " * (match.end - match.start) + text[match.end :]
    return text


def call_when(text: str, now: datetime, region: str = DEFAULT_REGION) -> Optional[str]:
    """When the patient asks to be called, for staff: "Tue 8 Dec, after 2:00 PM",
    "tomorrow (Tue 8 Dec), morning", "after 3:00 PM"; None when the message names
    neither a day nor a time. `now` is aware, in the clinic's time zone."""
    plain = timeparse.normalise(_without_numbers(text or "", region))
    day, rest, _ = timeparse.find_day(plain, now.date())
    times = timeparse.find_times(_TO_CLOCK.sub("at ", rest))
    rest = re.sub(r"\blunch\b", "lunchtime", rest)
    part = next((w for w in timeparse.PARTS_OF_DAY if re.search(rf"\b{w}\b", rest)), "")
    if day is None and not times and not part:
        return None
    relation = RELATION.search(rest)
    when = []
    if day is not None:
        when.append(_day(day, now.date()))
    if times:
        moment = _clock(times[0])
        when.append(f"{relation.group(1)} {moment}" if relation else moment)
    elif part:
        when.append(part)
    return ", ".join(when)


def _day(day: date, today: date) -> str:
    label = f"{day:%a} {day.day} {day:%b}"
    if day == today:
        return f"today ({label})"
    if (day - today).days == 1:
        return f"tomorrow ({label})"
    return label


def _clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
