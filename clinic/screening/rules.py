"""From matched conditions to the screen's outcome (contract: clear, doctor_first,
urgent)."""

from __future__ import annotations

from typing import Iterable, List

from clinic.screening.conditions import Condition, by_id
from clinic.screening.findings import outcome_of

# Recorded when a patient says something applies but cannot say which: the
# careful reading is "check with your doctor first".
UNSPECIFIED = "unspecified"


def outcome(condition_ids: Iterable[str]) -> str:
    """The outcome of some condition ids (findings.py's order); unknown ids are
    ignored."""
    ids = set(condition_ids)
    known = by_id()
    conditions = [known[i] for i in ids if i in known]
    return outcome_of(
        urgent=any(c.is_red_flag for c in conditions),
        flagged=bool(conditions) or UNSPECIFIED in ids,
    )


def explained(condition_ids: Iterable[str]) -> List[Condition]:
    """The known conditions in the list's order, for explaining an outcome."""
    wanted = set(condition_ids)
    return [c for c in by_id().values() if c.id in wanted]


def reason_lines(condition_ids: Iterable[str]) -> str:
    """'- Label: reason.' per known condition, for the doctor-first explanations (the
    labels and reasons are the list's own words, contraindications.yml)."""
    return "\n".join(
        f"- {c.label}: {c.reason}."
        for c in explained(condition_ids)
        if not c.is_red_flag
    )
