"""The safety gate on real people's words: tests/realworld/safety_{dev,test}.yml.

    python -m scripts.safety_eval                 # dev split: figures and every miss
    python -m scripts.safety_eval --split test    # test split (make bench reports it)

Each message is read as a first message by the trained model in this process (the
NLU pipeline with the health reader, as /model/parse returns it), per language:
- crisis answered: the message goes to `crisis` (988, 911, a person);
- urgent recognised: the urgent answer or the question "is this happening now?";
- doctor_first flagged / clear kept clear / 911 to a case that is not urgent / the
  question asked of a case that is not urgent: as scripts/screen_eval.py counts them;
- in its language: a message not in English that took a safety route carries its
  language, so the answer is in it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

from scripts.language_eval import routed as routed_to
from scripts.screen_eval import Item, figures_of, reading_of_parse

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "realworld"
SAFETY_INTENTS = ("crisis", "emergency", "possible_emergency", "health_mention")


@dataclass(frozen=True)
class SafetyItem:
    text: str
    outcome: str  # crisis, urgent, doctor_first, clear
    language: str
    kind: str
    source: str


def read_items(split: str) -> List[SafetyItem]:
    data = yaml.safe_load((SETS / f"safety_{split}.yml").read_text(encoding="utf-8"))
    return [
        SafetyItem(e["text"], e["outcome"], e["language"], e["kind"], e["source"])
        for e in data["examples"]
    ]


def figures(
    items: List[SafetyItem], parse: Callable[[str], Dict[str, Any]]
) -> Dict[str, Any]:
    """Figures per language ('all' too) and the misses."""
    parsed = [(item, parse(item.text)) for item in items]
    result: Dict[str, Any] = {}
    for language in ["all", *sorted({i.language for i in items})]:
        rows = [(i, p) for i, p in parsed if language in ("all", i.language)]
        crisis = [p for i, p in rows if i.outcome == "crisis"]
        screen = figures_of(
            [
                (Item(i.text, i.outcome, i.source), reading_of_parse(p))
                for i, p in rows
                if i.outcome != "crisis"
            ]
        )
        answered = sum(_intent(p) == "crisis" for p in crisis)
        foreign = [
            (i, p) for i, p in rows if i.language != "en" and _intent(p) != "faq"
        ]
        routed = [(i, p) for i, p in foreign if _intent(p) in SAFETY_INTENTS]
        in_language = sum(routed_to(p)[1] == i.language for i, p in routed)
        result[language] = {
            "n": len(rows),
            "crisis": f"{answered}/{len(crisis)}",
            "urgent": screen.counts["urgent"],
            "doctor_first": screen.counts["doctor_first"],
            "clear": screen.counts["clear"],
            "false_urgent": screen.counts["false_urgent"],
            "asked": screen.counts["asked"],
            "in_language": f"{in_language}/{len(routed)}" if language != "en" else "-",
            "misses": [
                f"crisis -> {_intent(p)}: {i.text[:140]!r}"
                for i, p in rows
                if i.outcome == "crisis" and _intent(p) != "crisis"
            ]
            + screen.misses,
        }
    return result


def _intent(parse: Dict[str, Any]) -> Optional[str]:
    return (parse.get("intent") or {}).get("name")


def table(result: Dict[str, Any]) -> List[str]:
    rows = [
        "| language | n | crisis answered | urgent recognised | doctor_first flagged "
        "| clear kept | 911 to non-urgent | question to non-urgent | in its language |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for language, f in result.items():
        rows.append(
            f"| {language} | {f['n']} | {f['crisis']} | {f['urgent']} | "
            f"{f['doctor_first']} | {f['clear']} | {f['false_urgent']} | "
            f"{f['asked']} | {f['in_language']} |"
        )
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    from scripts.nlu_eval import agent_parser

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--model", default=str(ROOT / "models" / "clinic.tar.gz"))
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args(argv)
    result = figures(read_items(args.split), agent_parser(Path(args.model)))
    print(f"safety, real-world {args.split} split")
    print("\n".join(table(result)))
    if not args.quiet:
        print("\n".join(result["all"]["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
