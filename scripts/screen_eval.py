"""The health screen on real patients' words: tests/realworld/screen_{dev,test}.yml.

    python -m scripts.screen_eval            # dev split: figures and every miss
    python -m scripts.screen_eval --split test --quiet

Each description is read as a patient's first message (clinic/screening/matcher.py,
the same reading the NLU pipeline's health memory gives): urgent when an emergency
sign is happening now, doctor_first when something on the list applies or may apply,
else clear. Figures are those of the clinical-safety issue: urgent recognised,
doctor_first flagged (doctor_first or urgent), clear kept clear, and urgent given to a
case that is not urgent.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "realworld"


@dataclass(frozen=True)
class Item:
    text: str
    outcome: str
    source: str


@dataclass
class Figures:
    n: int
    urgent_recognised: float
    flagged: float
    clear_kept: float
    false_urgent: float
    counts: Dict[str, str]
    misses: List[str] = field(repr=False)  # real texts: kept out of assertion messages

    def lines(self) -> List[str]:
        return [
            f"urgent recognised on the first message: {self.urgent_recognised:.3f} "
            f"({self.counts['urgent']})",
            f"doctor_first flagged (doctor_first or urgent): {self.flagged:.3f} "
            f"({self.counts['doctor_first']})",
            f"clear kept clear: {self.clear_kept:.3f} ({self.counts['clear']})",
            f"urgent given to a clear or doctor_first case: {self.false_urgent:.3f} "
            f"({self.counts['false_urgent']})",
        ]


def read_items(split: str) -> List[Item]:
    data = yaml.safe_load((SETS / f"screen_{split}.yml").read_text(encoding="utf-8"))
    return [Item(e["text"], e["outcome"], e["source"]) for e in data["examples"]]


def evaluate(items: List[Item], outcome_of: Callable[[str], str]) -> Figures:
    predicted = [(item, outcome_of(item.text)) for item in items]

    def share(wanted: str, ok: Callable[[str], bool]) -> tuple:
        got = [p for item, p in predicted if item.outcome == wanted]
        hits = sum(ok(p) for p in got)
        return (hits / len(got) if got else 1.0), f"{hits}/{len(got)}"

    urgent, urgent_n = share("urgent", lambda p: p == "urgent")
    flagged, flagged_n = share(
        "doctor_first", lambda p: p in ("doctor_first", "urgent")
    )
    clear, clear_n = share("clear", lambda p: p == "clear")
    not_urgent = [p for item, p in predicted if item.outcome != "urgent"]
    false = sum(p == "urgent" for p in not_urgent)
    misses = [
        f"{item.outcome} -> {p}: {item.text[:160]!r}"
        for item, p in predicted
        if not _right(item.outcome, p)
    ]
    return Figures(
        len(items),
        urgent,
        flagged,
        clear,
        false / len(not_urgent) if not_urgent else 0.0,
        {
            "urgent": urgent_n,
            "doctor_first": flagged_n,
            "clear": clear_n,
            "false_urgent": f"{false}/{len(not_urgent)}",
        },
        misses,
    )


def _right(gold: str, predicted: str) -> bool:
    if gold == "doctor_first":
        return predicted in ("doctor_first", "urgent")
    return gold == predicted


def matcher_outcome(text: str) -> str:
    from clinic.screening.matcher import find_conditions

    return find_conditions(text).outcome


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args(argv)
    figures = evaluate(read_items(args.split), matcher_outcome)
    print(f"{args.split}: {figures.n} descriptions")
    print("\n".join(figures.lines()))
    if not args.quiet:
        print("\n".join(figures.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
