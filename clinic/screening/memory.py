"""The conversation's health memory: what every message so far said, as condition ids.

The NLU pipeline reads each message for the clinic's list (nlp/health_memory.py) and
stores the ids under `health` in the message's parse data. This module merges those
readings, oldest first: a later "I'm not pregnant" rules out an earlier "maybe
pregnant"; a condition once affirmed stays affirmed (when in doubt, careful). The
screen starts from it, the booking and "Did you mean" consult it. Plain data in, plain
data out: no Rasa here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Set

from clinic.screening.conditions import red_flags


@dataclass
class HealthMemory:
    present: Set[str] = field(default_factory=set)
    unsure: Set[str] = field(default_factory=set)
    absent: Set[str] = field(default_factory=set)
    urgent: Set[str] = field(default_factory=set)
    # items the emergency net found likely where the list read nothing: not known to
    # apply, so the screen asks about them by name first
    likely: Set[str] = field(default_factory=set)

    @property
    def flagged(self) -> Set[str]:
        """Contraindications to check with a doctor first (affirmed or possible)."""
        return self.present | self.unsure

    @property
    def to_ask_by_name(self) -> Set[str]:
        """Likely items nothing has confirmed, doubted or ruled out yet."""
        return self.likely - self.present - self.unsure - self.absent

    def add(self, reading: Optional[Mapping[str, Any]]) -> None:
        """Merge one message's reading (the parse data's `health`)."""
        if not reading:
            return
        present, unsure = (
            set(reading.get("present") or []),
            set(reading.get("unsure") or []),
        )
        absent = set(reading.get("absent") or [])
        self.present |= present
        self.urgent |= set(reading.get("urgent") or [])
        self.likely |= set(reading.get("likely") or [])
        # a later "not pregnant" rules out an earlier "maybe pregnant", never a "yes"
        self.unsure = (self.unsure - absent) | (unsure - self.present)
        self.absent = (self.absent | absent) - self.present - self.unsure

    def updated(self, reading: Optional[Mapping[str, Any]]) -> HealthMemory:
        """A copy of this memory with one more message's reading merged in."""
        copy = HealthMemory(
            set(self.present),
            set(self.unsure),
            set(self.absent),
            set(self.urgent),
            set(self.likely),
        )
        copy.add(reading)
        return copy

    def add_ids(self, present: Iterable[str] = (), unsure: Iterable[str] = ()) -> None:
        """Merge ids the screen's own questions established (emergency signs among
        them count as urgent)."""
        red = {c.id for c in red_flags()}
        present = set(present)
        self.add(
            {
                "present": sorted(present - red),
                "unsure": list(unsure),
                "urgent": sorted(present & red),
            }
        )


def from_readings(readings: Iterable[Optional[Mapping[str, Any]]]) -> HealthMemory:
    memory = HealthMemory()
    for reading in readings:
        memory.add(reading)
    return memory


def new_flags(before: HealthMemory, after: HealthMemory) -> List[str]:
    """Contraindications `after` flags that `before` did not (sorted)."""
    return sorted(after.flagged - before.flagged)
