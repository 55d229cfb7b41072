"""When the clinic can hold a free consultation: clinic.yml's `appointments` block.

The clinic's own facts (consultation length, weekly hours per mode, how many can run
at once, buffers, minimum notice, horizon, closed dates, the late-cancellation window,
reminders) read and checked once. The clinic's articles say nothing about any of them,
so clinic.yml ships placeholders that staff replace; `placeholder: true` marks them
until then (the staff tool says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, FrozenSet, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

from clinic.hours import OpeningHours, clock_range

MODES = ("online", "phone", "in_person")
KEYS = {
    "placeholder",
    "consultation_minutes",
    "hours",
    "at_once",
    "buffer_minutes",
    "min_notice_hours",
    "horizon_days",
    "closed_dates",
    "late_cancel_hours",
    "hold_minutes",
    "reminder_hours_before",
    "quiet_hours",
}


@dataclass(frozen=True)
class Availability:
    """The rules open times follow. Times of day are the clinic's wall clock in
    `zone`; durations are real elapsed time."""

    zone: ZoneInfo
    length: timedelta
    hours: Mapping[str, OpeningHours]  # per mode
    at_once: Mapping[str, int]  # per mode: rooms or staff
    buffer_before: timedelta
    buffer_after: timedelta
    min_notice: timedelta
    horizon_days: int
    closed_dates: FrozenSet[date]
    late_cancel: timedelta
    hold: timedelta  # how long an offered time is kept while the patient confirms
    reminder_before: timedelta
    quiet_hours: Tuple[time, time]  # no reminder goes out from the first to the second
    placeholder: bool = False

    @classmethod
    def from_config(cls, value: Optional[Mapping[str, Any]], zone: str) -> Availability:
        """Read and check clinic.yml's `appointments`; a mistake fails at start-up with
        the key it is in."""
        if not isinstance(value, Mapping):
            raise ValueError("appointments: expected a mapping (see clinic.yml)")
        unknown = set(value) - KEYS
        if unknown:
            raise ValueError(f"appointments: unknown keys {sorted(unknown)}")
        missing = KEYS - {"placeholder", "closed_dates"} - set(value)
        if missing:
            raise ValueError(f"appointments: missing {sorted(missing)}")
        hours = value["hours"]
        if not isinstance(hours, Mapping) or set(hours) - set(MODES):
            raise ValueError(f"appointments.hours: expected one entry per mode {MODES}")
        at_once = value["at_once"]
        if isinstance(at_once, int):
            at_once = {mode: at_once for mode in MODES}
        buffers = value["buffer_minutes"]
        if isinstance(buffers, int):
            buffers = {"before": 0, "after": buffers}
        return cls(
            zone=ZoneInfo(zone),
            length=timedelta(
                minutes=_positive("consultation_minutes", value["consultation_minutes"])
            ),
            hours={mode: _mode_hours(mode, hours.get(mode)) for mode in MODES},
            at_once={
                mode: _count(f"at_once.{mode}", at_once.get(mode, 0)) for mode in MODES
            },
            buffer_before=timedelta(
                minutes=_count("buffer_minutes.before", buffers.get("before", 0))
            ),
            buffer_after=timedelta(
                minutes=_count("buffer_minutes.after", buffers.get("after", 0))
            ),
            min_notice=timedelta(
                hours=_count("min_notice_hours", value["min_notice_hours"])
            ),
            horizon_days=_positive("horizon_days", value["horizon_days"]),
            closed_dates=frozenset(
                _date("closed_dates", d) for d in value.get("closed_dates") or []
            ),
            late_cancel=timedelta(
                hours=_count("late_cancel_hours", value["late_cancel_hours"])
            ),
            hold=timedelta(minutes=_positive("hold_minutes", value["hold_minutes"])),
            reminder_before=timedelta(
                hours=_positive("reminder_hours_before", value["reminder_hours_before"])
            ),
            quiet_hours=_quiet(value["quiet_hours"]),
            placeholder=bool(value.get("placeholder", False)),
        )

    def offers(self, mode: str) -> bool:
        """Whether the clinic holds consultations this way at all."""
        return self.at_once.get(mode, 0) > 0 and any(self.hours[mode].days)


def _mode_hours(mode: str, value: Any) -> OpeningHours:
    if value is None:  # this mode is not offered
        return OpeningHours(days=tuple(() for _ in range(7)))
    try:
        return OpeningHours.from_config(value)
    except ValueError as error:
        raise ValueError(f"appointments.hours.{mode}: {error}") from None


def _count(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"appointments.{key}: expected a whole number >= 0")
    return value


def _positive(key: str, value: Any) -> int:
    if _count(key, value) == 0:
        raise ValueError(f"appointments.{key}: expected a whole number > 0")
    return int(value)


def _date(key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"appointments.{key}: {value!r} is not YYYY-MM-DD") from None


def _quiet(value: Any) -> Tuple[time, time]:
    interval = clock_range(str(value or ""))
    if interval is None:
        raise ValueError("appointments.quiet_hours: expected 'HH:MM-HH:MM'")
    return interval
