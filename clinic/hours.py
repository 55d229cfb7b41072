"""The clinic's opening hours: parsed once from clinic.yml, used to describe them and to
check a requested consultation time.

clinic.yml gives them per weekday ("mon: 08:00-18:00"; days left out are closed). While
staff have not filled them in, no hours are invented: `OpeningHours.unknown()` accepts
any time in a broad daytime window and every booking says that the clinic confirms the
exact time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
# Used only while opening hours are not configured: a request, confirmed by staff.
UNKNOWN_WINDOW = (time(7, 0), time(20, 0))

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")

Interval = Tuple[time, time]


def clock(t: time) -> str:
    """12-hour clock as US patients read it: 9:00 am, 1:30 pm."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


def clock_range(text: str) -> Optional[Interval]:
    """'08:00-18:00' -> (8:00, 18:00), in any order (quiet hours run past midnight);
    None if it is not that shape."""
    match = _RANGE.match(str(text))
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1, m1), time(h2, m2)


def _parse_ranges(day: str, value: Any) -> List[Interval]:
    if value in (None, "", "closed"):
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    intervals = []
    for part in parts:
        interval = clock_range(part)
        if interval is None:
            raise ValueError(
                f"opening_hours.{day}: expected 'HH:MM-HH:MM', got {part!r}"
            )
        start, end = interval
        if end <= start:
            raise ValueError(f"opening_hours.{day}: {part!r} ends before it starts")
        intervals.append((start, end))
    return sorted(intervals)


@dataclass(frozen=True)
class OpeningHours:
    """Intervals per weekday (0 = Monday). `configured` is False for the unknown
    default."""

    days: Tuple[Tuple[Interval, ...], ...]
    configured: bool = True

    @classmethod
    def unknown(cls) -> OpeningHours:
        return cls(days=tuple((UNKNOWN_WINDOW,) for _ in DAY_KEYS), configured=False)

    @classmethod
    def from_config(cls, value: Optional[Mapping[str, Any]]) -> OpeningHours:
        """Read clinic.yml's mapping; None (not filled in yet) gives `unknown()`."""
        if value is None:
            return cls.unknown()
        if not isinstance(value, Mapping):
            raise ValueError(
                "opening_hours: expected a mapping like {mon: '08:00-18:00'}"
            )
        extra = set(value) - set(DAY_KEYS)
        if extra:
            raise ValueError(
                f"opening_hours: unknown days {sorted(extra)}; use {DAY_KEYS}"
            )
        days = tuple(tuple(_parse_ranges(key, value.get(key))) for key in DAY_KEYS)
        if not any(days):
            raise ValueError("opening_hours: every day is closed")
        return cls(days=days)

    def intervals(self, day: date) -> Tuple[Interval, ...]:
        return self.days[day.weekday()]

    def is_open(self, moment: datetime) -> bool:
        t = moment.timetz().replace(tzinfo=None)
        return any(start <= t < end for start, end in self.intervals(moment.date()))

    def open_slots(self, start: datetime, step_minutes: int = 30) -> Iterator[datetime]:
        """Open times from `start` on (rounded up to the step), for suggestions."""
        moment = _round_up(start, step_minutes)
        for _ in range(14 * 24 * 60 // step_minutes):
            if self.is_open(moment):
                yield moment
            moment += timedelta(minutes=step_minutes)

    def describe_day(self, day: date) -> str:
        intervals = self.intervals(day)
        if not intervals:
            return f"closed on {DAY_NAMES[day.weekday()]}s"
        spans = " and ".join(f"{clock(a)}–{clock(b)}" for a, b in intervals)
        return f"open {spans} on {DAY_NAMES[day.weekday()]}s"

    def describe(self) -> str:
        """One line for patients: 'Mon–Fri 8:00 am–6:00 pm; Sat 9:00 am–1:00 pm'."""
        groups: List[Tuple[List[int], Tuple[Interval, ...]]] = []
        for index, intervals in enumerate(self.days):
            if (
                intervals
                and groups
                and groups[-1][1] == intervals
                and groups[-1][0][-1] == index - 1
            ):
                groups[-1][0].append(index)
            elif intervals:
                groups.append(([index], intervals))
        parts = []
        for indexes, intervals in groups:
            first, last = DAY_KEYS[indexes[0]].title(), DAY_KEYS[indexes[-1]].title()
            days = first if first == last else f"{first}–{last}"
            spans = ", ".join(f"{clock(a)}–{clock(b)}" for a, b in intervals)
            parts.append(f"{days} {spans}")
        return "; ".join(parts)


def _round_up(moment: datetime, step_minutes: int) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = moment.minute % step_minutes
    return moment if extra == 0 else moment + timedelta(minutes=step_minutes - extra)


def as_config(hours: OpeningHours) -> Dict[str, str]:
    """The inverse of from_config, for tests and the staff tool."""
    return {
        key: ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in hours.days[i])
        for i, key in enumerate(DAY_KEYS)
        if hours.days[i]
    }
