"""Open consultation times: the clinic's rules (availability.py) against what is taken.

Starts lie on a grid per opening interval: the first at the interval's start plus the
buffer before, then one every consultation length plus both buffers, so booked times
sit back to back with their buffers and never fragment a day. A start is open when the
whole consultation fits in the interval, it is at least the minimum notice away, within
the horizon, not on a closed date, and fewer than `at_once` appointments of that mode
(bookings and unexpired holds) overlap it, buffers included.

Wall-clock times are the clinic's (clinic.yml's time zone) and are turned into instants
one by one, so a daylight-saving change moves nothing: a start the clock skips does not
exist, an hour the clock repeats is taken once (its first reading), and a consultation
lasts its real length across the change. Pure functions; `now` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

from clinic.booking.availability import Availability

UTC = timezone.utc


@dataclass(frozen=True)
class Taken:
    """An appointment or a hold that keeps a time from others."""

    mode: str
    starts_at: datetime  # aware
    ends_at: datetime


def wall_time(
    day: date, moment: time, availability: Availability
) -> Optional[datetime]:
    """The instant the clinic's clock shows `moment` on `day`, or None when the clock
    skips it (the spring-forward gap)."""
    local = datetime.combine(day, moment, tzinfo=availability.zone)  # fold=0: first
    back = local.astimezone(UTC).astimezone(availability.zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


def ends_at(start: datetime, availability: Availability) -> datetime:
    """Real elapsed time: across a clock change a consultation still lasts its
    length."""
    return (start.astimezone(UTC) + availability.length).astimezone(availability.zone)


def instant(moment: datetime) -> datetime:
    """The same moment in UTC. Python compares and subtracts two datetimes of the same
    zone by their wall clocks, which is an hour off across a clock change."""
    return moment.astimezone(UTC)


def _blocked(
    start: datetime, end: datetime, a: Availability
) -> Tuple[datetime, datetime]:
    return instant(start) - a.buffer_before, instant(end) + a.buffer_after


def overlapping(
    start: datetime, mode: str, taken: Iterable[Taken], availability: Availability
) -> int:
    """How many appointments of `mode` overlap a consultation starting at `start`,
    buffers included (each side's)."""
    low, high = _blocked(start, ends_at(start, availability), availability)
    count = 0
    for other in taken:
        if other.mode != mode:
            continue
        other_low, other_high = _blocked(other.starts_at, other.ends_at, availability)
        if low < other_high and other_low < high:
            count += 1
    return count


def grid(day: date, mode: str, availability: Availability) -> Iterator[datetime]:
    """Every start the clinic's hours allow on `day` for `mode`, taken or not."""
    if day in availability.closed_dates or not availability.offers(mode):
        return
    step = availability.length + availability.buffer_before + availability.buffer_after
    for opens, closes in availability.hours[mode].intervals(day):
        naive = datetime.combine(day, opens) + availability.buffer_before
        last = datetime.combine(day, closes)
        while naive + availability.length <= last:
            start = wall_time(day, naive.time(), availability)
            close = wall_time(day, closes, availability) or _after_gap(
                day, closes, availability
            )
            if start is not None and instant(ends_at(start, availability)) <= instant(
                close
            ):
                yield start
            naive += step


def _after_gap(day: date, moment: time, availability: Availability) -> datetime:
    """A closing time the clock skips: the instant just after the gap."""
    naive = datetime.combine(day, moment)
    for minutes in range(1, 181):
        found = wall_time(
            day, (naive + timedelta(minutes=minutes)).time(), availability
        )
        if found is not None:
            return found
    raise ValueError(f"no wall time after {moment} on {day}")  # pragma: no cover


def bookable_range(now: datetime, availability: Availability) -> Tuple[datetime, date]:
    """(earliest start, last day): the minimum notice from now, the horizon's last day
    in the clinic's calendar."""
    earliest = (instant(now) + availability.min_notice).astimezone(availability.zone)
    last_day = now.astimezone(availability.zone).date() + timedelta(
        days=availability.horizon_days
    )
    return earliest, last_day


def is_open(
    start: datetime,
    mode: str,
    taken: Sequence[Taken],
    now: datetime,
    availability: Availability,
) -> bool:
    """Whether `start` is one of the open times (a grid start, free, in range)."""
    local = start.astimezone(availability.zone)
    earliest, last_day = bookable_range(now, availability)
    if instant(local) < instant(earliest) or local.date() > last_day:
        return False
    if instant(local) not in {
        instant(s) for s in grid(local.date(), mode, availability)
    }:
        return False
    return overlapping(local, mode, taken, availability) < availability.at_once[mode]


def open_slots(
    mode: str,
    taken: Sequence[Taken],
    now: datetime,
    availability: Availability,
    start: Optional[datetime] = None,
    end: Optional[datetime] = None,
    limit: int = 3,
    skip: int = 0,
) -> List[datetime]:
    """The first `limit` open times (after `skip` of them) from `start` (default: now)
    until `end` (default: the horizon), earliest first."""
    earliest, last_day = bookable_range(now, availability)
    if start is not None and instant(start) > instant(earliest):
        earliest = start.astimezone(availability.zone)
    found: List[datetime] = []
    day = earliest.date()
    while day <= last_day and len(found) < skip + limit:
        for slot in grid(day, mode, availability):
            if instant(slot) < instant(earliest):
                continue
            if end is not None and instant(slot) >= instant(end):
                return found[skip:]
            if (
                overlapping(slot, mode, taken, availability)
                < availability.at_once[mode]
            ):
                found.append(slot)
                if len(found) == skip + limit:
                    break
        day += timedelta(days=1)
    return found[skip:]


def nearest_open(
    wanted: datetime,
    mode: str,
    taken: Sequence[Taken],
    now: datetime,
    availability: Availability,
    limit: int = 3,
    days_around: int = 7,
) -> List[datetime]:
    """The `limit` open times closest to `wanted` (either side, within `days_around`
    days), in time order: what a patient whose time is not free is offered."""
    wanted = wanted.astimezone(availability.zone)
    window = open_slots(
        mode,
        taken,
        now,
        availability,
        start=wanted - timedelta(days=days_around),
        end=wanted + timedelta(days=days_around),
        limit=10_000,
    )
    closest = sorted(window, key=lambda slot: abs(instant(slot) - instant(wanted)))
    return sorted(closest[:limit], key=instant)


def slot_id(moment: datetime) -> str:
    """A time as a button carries it: its UTC minute, 12 digits (202701041700)."""
    return instant(moment).strftime("%Y%m%d%H%M")


def from_slot_id(text: Optional[str]) -> Optional[datetime]:
    """The time a button carried, or None for anything else."""
    if not text or len(text) != 12 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None


def in_quiet_hours(moment: datetime, availability: Availability) -> bool:
    """Whether `moment` falls in the clinic's quiet hours (no reminder goes out)."""
    clock = moment.astimezone(availability.zone).time()
    first, last = availability.quiet_hours
    if first <= last:
        return first <= clock < last
    return clock >= first or clock < last  # across midnight: 21:00-08:00


def after_quiet_hours(moment: datetime, availability: Availability) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(moment, availability):
        return moment
    local = moment.astimezone(availability.zone)
    day = local.date()
    if local.time() >= availability.quiet_hours[0] > availability.quiet_hours[1]:
        day += timedelta(days=1)  # quiet hours that run past midnight
    end = wall_time(day, availability.quiet_hours[1], availability)
    return end or _after_gap(day, availability.quiet_hours[1], availability)


def within_late_cancel(
    starts_at: datetime, now: datetime, availability: Availability
) -> bool:
    """Whether changing an appointment now falls inside the late-cancellation window."""
    return instant(starts_at) - instant(now) < availability.late_cancel
