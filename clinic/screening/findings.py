"""What the screen knows about a patient, as condition ids, and the two rules that
combine it: the outcome order and the merge of readings.

One type serves one message's reading (clinic/screening/matcher.py), the
conversation's memory (memory.py: every message so far, merged oldest first) and the
screen's own answers (actions/screening.py). Plain data, no Rasa.

**The outcome order**: urgent, then doctor_first, then clear (OUTCOMES, most careful
first). Anything that combines outcomes uses `most_careful`.

**The merge.** At one moment (one message), the careful reading wins: present beats
unsure beats ruled out ("I'm not pregnant... well, I might be" is unsure). Over time, a
later reading settles an earlier *doubt* but never an earlier *yes*:

- "maybe pregnant", later "I'm not pregnant" -> ruled out. The screen asks precisely
  to settle doubts, and the later words are the patient's own, definite answer; kept
  unsure, a patient who checked could never leave doctor-first.
- "I'm pregnant", later "not pregnant" -> still present. A condition once affirmed is
  never unsaid by a reading that may be a misreading ("not pregnant anymore, but...");
  a person can correct it.
- "not pregnant", later "maybe" -> unsure: a new doubt is careful again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Mapping, Optional, Set

# Most careful first: the order every combination of outcomes follows.
OUTCOMES = ("urgent", "doctor_first", "clear")


def most_careful(*outcomes: Optional[str]) -> str:
    """The most careful of some outcomes (None and unknown values ignored; clear if
    none is given)."""
    known = [o for o in outcomes if o in OUTCOMES]
    return min(known, key=OUTCOMES.index) if known else "clear"


def at_least(outcome: Optional[str], bar: str) -> bool:
    """Whether `outcome` is as careful as `bar` or more ("doctor_first or urgent")."""
    return outcome in OUTCOMES and OUTCOMES.index(outcome) <= OUTCOMES.index(bar)


@dataclass
class Findings:
    """Condition ids (never words).

    present: contraindications that apply (a history item from an emergency sign too);
    unsure: contraindications that may apply; absent: ruled out;
    urgent: emergency signs happening now; crisis: self-harm or suicidal thoughts;
    likely: items the emergency net found likely where the list read nothing (not
    known to apply: the screen asks about them by name first).
    """

    present: Set[str] = field(default_factory=set)
    unsure: Set[str] = field(default_factory=set)
    absent: Set[str] = field(default_factory=set)
    urgent: Set[str] = field(default_factory=set)
    likely: Set[str] = field(default_factory=set)
    crisis: bool = False

    @property
    def flagged(self) -> Set[str]:
        """Contraindications to check with a doctor first (affirmed or possible)."""
        return self.present | self.unsure

    @property
    def to_ask_by_name(self) -> Set[str]:
        """Likely items nothing has confirmed, doubted or ruled out yet."""
        return self.likely - self.present - self.unsure - self.absent

    @property
    def outcome(self) -> str:
        return outcome_of(urgent=bool(self.urgent), flagged=bool(self.flagged))

    def settle(self) -> Findings:
        """At one moment the careful reading wins: present > unsure > absent."""
        self.unsure -= self.present
        self.absent -= self.present | self.unsure
        return self

    def then(self, later: Findings) -> Findings:
        """This, followed by a later reading (the module's merge rule)."""
        return Findings(
            present=self.present | later.present,
            unsure=(self.unsure - later.absent) | later.unsure,
            absent=self.absent | later.absent,
            urgent=self.urgent | later.urgent,
            likely=self.likely | later.likely,
            crisis=self.crisis or later.crisis,
        ).settle()

    def as_dict(self) -> Dict[str, Any]:
        """The parse data's `health` form (lists, sorted)."""
        return {
            "present": sorted(self.present),
            "unsure": sorted(self.unsure),
            "absent": sorted(self.absent),
            "urgent": sorted(self.urgent),
            "likely": sorted(self.likely),
            "crisis": self.crisis,
        }

    @classmethod
    def from_reading(cls, reading: Optional[Mapping[str, Any]]) -> Findings:
        """From the parse data's `health` (or any mapping of those keys)."""
        reading = reading or {}
        return cls(
            present=set(reading.get("present") or []),
            unsure=set(reading.get("unsure") or []),
            absent=set(reading.get("absent") or []),
            urgent=set(reading.get("urgent") or []),
            likely=set(reading.get("likely") or []),
            crisis=bool(reading.get("crisis")),
        ).settle()


def outcome_of(urgent: bool, flagged: bool) -> str:
    """The order itself: an emergency sign, else anything to check, else clear."""
    return OUTCOMES[0] if urgent else OUTCOMES[1] if flagged else OUTCOMES[2]


def merged(readings: Iterable[Optional[Mapping[str, Any]]]) -> Findings:
    """Readings merged oldest first: the conversation's memory, from its messages'
    readings."""
    result = Findings()
    for reading in readings:
        result = result.then(Findings.from_reading(reading))
    return result
