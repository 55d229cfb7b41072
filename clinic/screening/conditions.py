"""The screen's conditions, loaded from contraindications.yml (the one list)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

DATA_PATH = Path(__file__).resolve().parent / "contraindications.yml"
OUTCOMES = ("clear", "doctor_first", "urgent")


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    reason: str
    outcome: str  # doctor_first or urgent
    phrases: Tuple[str, ...]

    @property
    def is_red_flag(self) -> bool:
        return self.outcome == "urgent"


def _parse(entries: List[Dict[str, Any]], outcome: str) -> List[Condition]:
    conditions = []
    for entry in entries:
        if entry.get("outcome") != outcome:
            raise ValueError(f"{entry.get('id')}: outcome must be {outcome}")
        conditions.append(
            Condition(
                id=entry["id"],
                label=entry["label"],
                reason=entry["reason"],
                outcome=outcome,
                phrases=tuple(p.lower() for p in entry["phrases"]),
            )
        )
    return conditions


@lru_cache(maxsize=1)
def all_conditions() -> Tuple[Condition, ...]:
    """Contraindications first, then red flags, in file order."""
    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    conditions = _parse(data["contraindications"], "doctor_first") + _parse(
        data["red_flags"], "urgent"
    )
    ids = [c.id for c in conditions]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate condition ids in contraindications.yml")
    return tuple(conditions)


def by_id() -> Dict[str, Condition]:
    return {c.id: c for c in all_conditions()}


def contraindications() -> List[Condition]:
    return [c for c in all_conditions() if not c.is_red_flag]


def red_flags() -> List[Condition]:
    return [c for c in all_conditions() if c.is_red_flag]
