"""Preferred consultation time in free words -> a concrete time in the clinic's time
zone.

Understands what patients type: "next Tuesday afternoon", "tomorrow 9am", "Dec 3 at
2:30", "12/3 10am" (US month/day), "Friday", "at 3" (the half of the day the clinic is
open), "asap". It never guesses silently: the resolved date and time are shown in the
booking summary for the patient to confirm. Pure functions; `now` is passed in so tests
can pin it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import List, Optional, Tuple

from clinic.hours import OpeningHours

# Without clinic.yml's `appointments` block a request needs this much notice and can be
# this far ahead at most; with it, the block's min_notice_hours and horizon_days apply
# (the caller passes them: one rule, not two).
MIN_LEAD = timedelta(hours=1)
HORIZON_DAYS = 90

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed", "weds"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
PARTS_OF_DAY = {  # words -> window searched for the earliest open time
    "morning": (time(8, 0), time(12, 0)),
    "lunchtime": (time(12, 0), time(13, 30)),
    "afternoon": (time(13, 0), time(17, 0)),
    "after work": (time(17, 0), time(21, 0)),
    "evening": (time(17, 0), time(21, 0)),
    "tonight": (time(17, 0), time(21, 0)),
}
SMALL_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "couple of": 2,
    "few": 3,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DAY_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("numeric", re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")),
    ("month_day", re.compile(rf"\b({_MONTH})\.? (\d{{1,2}}){_ORD}\b")),
    ("day_month", re.compile(rf"\b(\d{{1,2}}){_ORD} (?:of )?({_MONTH})\b")),
    ("after_tomorrow", re.compile(r"\bday after tomorrow\b")),
    ("tomorrow", re.compile(r"\btomorrow\b")),
    ("yesterday", re.compile(r"\byesterday\b")),
    ("today", re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b")),
    (
        "in_days",
        re.compile(
            r"\bin (\d+|a|one|two|three|four|five|six|seven|ten|a couple of|a few) "
            r"(days?|weeks?)\b"
        ),
    ),
    ("weekday", re.compile(rf"\b(?:(this|next|coming|on) )?(?:week )?({_WEEKDAY})\b")),
    ("weekend", re.compile(r"\b(?:this |next )?weekend\b")),
    ("ordinal", re.compile(r"\bthe (\d{1,2})(?:st|nd|rd|th)\b")),
]
_NEXT_WEEK = re.compile(r"\bnext week\b")
_ASAP = re.compile(
    r"\b(?:asap|as soon as possible|earliest|soonest|any ?time|whenever|"
    r"first available|next available)\b"
)
_TIME_PATTERNS = [
    ("noon", re.compile(r"\b(?:noon|midday|12 ?noon)\b")),
    ("half_past", re.compile(r"\bhalf past (\d{1,2})\b")),
    ("quarter_past", re.compile(r"\bquarter past (\d{1,2})\b")),
    ("quarter_to", re.compile(r"\bquarter to (\d{1,2})\b")),
    ("hh_mm", re.compile(r"\b(\d{1,2})[:.](\d{2}) ?(am|pm|a\.m\.?|p\.m\.?)?(?![\d/])")),
    ("hh_ampm", re.compile(r"\b(\d{1,2}) ?(am|pm|a\.m\.?|p\.m\.?|o'?clock)(?!\w)")),
    ("at_hh", re.compile(r"\b(?:at|@|around|about|by) (\d{1,2})\b(?![:/.]\d)")),
]


@dataclass(frozen=True)
class TimeChoice:
    """What the patient's words resolve to.

    status: ok | need_time (a day without a time) | unparsed | past | too_soon | closed
    | too_far. `when` is the resolved (or rejected) time, `day` the day understood so
    far, `suggestion` the nearest time the clinic can offer instead.
    """

    status: str
    when: Optional[datetime] = None
    day: Optional[date] = None
    suggestion: Optional[datetime] = None
    approximate: bool = False


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace(",", " ")
    text = re.sub(
        r"\b(?:tmrw|tmr|tmrow|tomorow|tommorow|tommorrow|2moro|2morrow)\b",
        "tomorrow",
        text,
    )
    text = re.sub(r"\b(?:this arvo|arvo)\b", "afternoon", text)
    return re.sub(r"\s+", " ", text).strip()


def _count(word: str) -> int:
    word = word.replace("a couple of", "couple of").replace("a few", "few")
    return int(word) if word.isdigit() else SMALL_NUMBERS.get(word, 1)


def _next_date(today: date, month: int, day: int) -> Optional[date]:
    """The next occurrence of month/day, today included; None if no such date."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


def find_day(text: str, today: date) -> Tuple[Optional[date], str, str]:
    """(day, text with the day words removed, kind of words); (None, text, "") when no
    day is named. Kind "weekday_today" marks a bare weekday that is today's: said with a
    time that has passed, it means next week."""
    for kind, pattern in _DAY_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        rest = text[: match.start()] + " " + text[match.end() :]
        groups = match.groups()
        day: Optional[date] = None
        if kind == "iso":
            try:
                day = date(int(groups[0]), int(groups[1]), int(groups[2]))
            except ValueError:
                day = None
        elif kind == "numeric":
            month, dom = int(groups[0]), int(groups[1])
            if groups[2]:
                year = int(groups[2]) + (2000 if len(groups[2]) == 2 else 0)
                try:
                    day = date(year, month, dom)
                except ValueError:
                    day = None
            else:
                day = _next_date(today, month, dom)
        elif kind == "month_day":
            day = _next_date(today, MONTHS[groups[0]], int(groups[1]))
        elif kind == "day_month":
            day = _next_date(today, MONTHS[groups[1]], int(groups[0]))
        elif kind == "after_tomorrow":
            day = today + timedelta(days=2)
        elif kind == "tomorrow":
            day = today + timedelta(days=1)
        elif kind == "yesterday":
            day = today - timedelta(days=1)
        elif kind == "today":
            day = today
            rest = text  # keep "this afternoon" for the time of day
        elif kind == "in_days":
            unit = 7 if groups[1].startswith("week") else 1
            day = today + timedelta(days=_count(groups[0]) * unit)
        elif kind == "weekday":
            target = WEEKDAYS[groups[1]]
            ahead = (target - today.weekday()) % 7
            if groups[0] in ("next", "coming") or "week" in match.group(0):
                ahead = ahead or 7  # "next Tuesday" is never today
            elif ahead == 0:
                kind = "weekday_today"
            day = today + timedelta(days=ahead)
        elif kind == "weekend":
            day = today + timedelta(days=(5 - today.weekday()) % 7)
        elif kind == "ordinal":
            dom = int(groups[0])
            for months_ahead in range(0, 3):
                month = (today.month - 1 + months_ahead) % 12 + 1
                year = today.year + (today.month - 1 + months_ahead) // 12
                try:
                    candidate = date(year, month, dom)
                except ValueError:
                    continue
                if candidate >= today:
                    day = candidate
                    break
        if day is None:
            return None, text, ""
        return day, rest, kind
    return None, text, ""


def _ampm_hours(hour: int, suffix: Optional[str]) -> List[int]:
    """Candidate 24-hour values for an hour: one if am/pm is said, else both halves."""
    suffix = (suffix or "").replace(".", "")
    if hour > 23:
        return []
    if suffix == "am":
        return [0 if hour == 12 else hour] if hour <= 12 else []
    if suffix == "pm":
        return [12 if hour == 12 else hour + 12] if hour <= 12 else []
    if hour == 0 or hour > 12:
        return [hour]
    if hour == 12:
        return [12]
    # Without am/pm, read 1-7 as afternoon first and 8-11 as morning first.
    return [hour + 12, hour] if hour <= 7 else [hour, hour + 12]


def find_times(text: str) -> List[time]:
    """Candidate clock times named in the text, most likely first ([] when none)."""
    for kind, pattern in _TIME_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groups()
        if kind == "noon":
            return [time(12, 0)]
        if kind in ("half_past", "quarter_past", "quarter_to"):
            hour = int(groups[0])
            minute = {"half_past": 30, "quarter_past": 15, "quarter_to": 45}[kind]
            hours = [
                (h - 1) % 24 if kind == "quarter_to" else h
                for h in _ampm_hours(hour, None)
            ]
            return [time(h, minute) for h in hours]
        if kind == "hh_mm":
            minute = int(groups[1])
            if minute > 59:
                return []
            return [time(h, minute) for h in _ampm_hours(int(groups[0]), groups[2])]
        if kind == "hh_ampm":
            suffix = None if "clock" in groups[1] else groups[1]
            return [time(h, 0) for h in _ampm_hours(int(groups[0]), suffix)]
        if kind == "at_hh":
            return [time(h, 0) for h in _ampm_hours(int(groups[0]), None)]
    return []


def find_part_of_day(text: str) -> Optional[Tuple[time, time]]:
    for words, window in PARTS_OF_DAY.items():
        if re.search(rf"\b{words}\b", text):
            return window
    return None


def _at(day: date, moment: time, now: datetime) -> datetime:
    return datetime.combine(day, moment, tzinfo=now.tzinfo)


def _earliest(
    hours: OpeningHours, start: datetime, end: Optional[datetime] = None
) -> Optional[datetime]:
    for slot in hours.open_slots(start):
        if end is not None and slot >= end:
            return None
        return slot
    return None


def _check(
    candidate: datetime,
    now: datetime,
    hours: OpeningHours,
    min_lead: timedelta,
    horizon_days: int,
    approximate: bool = False,
) -> TimeChoice:
    earliest_ok = now + min_lead
    suggestion = _earliest(hours, max(earliest_ok, _at(candidate.date(), time(0), now)))
    if candidate < now:
        return TimeChoice(
            "past", candidate, candidate.date(), _earliest(hours, earliest_ok)
        )
    if candidate < earliest_ok:
        return TimeChoice(
            "too_soon", candidate, candidate.date(), _earliest(hours, earliest_ok)
        )
    if candidate.date() > now.date() + timedelta(days=horizon_days):
        return TimeChoice("too_far", candidate, candidate.date())
    if not hours.is_open(candidate):
        return TimeChoice("closed", candidate, candidate.date(), suggestion)
    return TimeChoice("ok", candidate, candidate.date(), approximate=approximate)


def parse_when(
    text: str,
    now: datetime,
    hours: OpeningHours,
    default_day: Optional[date] = None,
    min_lead: timedelta = MIN_LEAD,
    horizon_days: int = HORIZON_DAYS,
) -> TimeChoice:
    """Resolve the patient's words. `now` must be aware, in the clinic's time zone.

    `default_day` is a day understood from an earlier answer ("Friday" then "at 10");
    `min_lead` and `horizon_days` are the clinic's booking rules where it has them.
    """
    text = normalise(text)
    today = now.date()
    day, rest, day_kind = find_day(text, today)
    times = find_times(rest)
    window = find_part_of_day(text)
    asap = bool(_ASAP.search(text))
    day = day or default_day

    if day is not None and day < today:
        return TimeChoice("past", None, day, _earliest(hours, now + min_lead))
    if day is not None and day > today + timedelta(days=horizon_days):
        return TimeChoice("too_far", None, day)

    if times:
        days: List[date]
        if day is None:
            days = [today + timedelta(days=n) for n in range(8)]
        elif day_kind == "weekday_today":  # today's weekday, maybe meaning next week
            days = [day, day + timedelta(days=7)]
        else:
            days = [day]
        if window:  # "3 in the afternoon": the half of the day that fits the window
            times = sorted(times, key=lambda t: not (window[0] <= t < window[1]))
        results = [
            _check(_at(d, t, now), now, hours, min_lead, horizon_days)
            for d in days
            for t in times
        ]
        for result in results:
            if result.status == "ok":
                return result
        # Nothing fits: report the most likely reading that is not in the past.
        future = [r for r in results if r.status != "past"]
        return (future or results)[0] if results else TimeChoice("unparsed")

    if window or asap:
        start_day = day or today
        start = max(
            now + min_lead, _at(start_day, window[0] if window else time(0), now)
        )
        end_day = start_day if day else start_day + timedelta(days=14)
        end = (
            _at(end_day, window[1], now)
            if window
            else (_at(day + timedelta(days=1), time(0), now) if day else None)
        )
        if window and not day:
            # "afternoon" without a day: the first afternoon with an open slot
            for n in range(14):
                d = start_day + timedelta(days=n)
                slot = _earliest(
                    hours, max(start, _at(d, window[0], now)), _at(d, window[1], now)
                )
                if slot:
                    return TimeChoice("ok", slot, slot.date(), approximate=True)
            return TimeChoice("unparsed")
        slot = _earliest(hours, start, end)
        if slot:
            return TimeChoice("ok", slot, slot.date(), approximate=True)
        return TimeChoice(
            "closed",
            None,
            start_day,
            _earliest(hours, max(now + min_lead, _at(start_day, time(0), now))),
        )

    if day is not None:
        if not hours.intervals(day):
            return TimeChoice(
                "closed",
                None,
                day,
                _earliest(hours, max(now + min_lead, _at(day, time(0), now))),
            )
        return TimeChoice("need_time", None, day)
    if _NEXT_WEEK.search(text):
        return TimeChoice("need_time", None, None)
    return TimeChoice("unparsed")
