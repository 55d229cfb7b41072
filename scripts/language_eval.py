"""Messages in other languages: tests/realworld/languages_{dev,test}.yml.

    python -m scripts.language_eval --url http://localhost:5005 --token T [--split test]

Each message is parsed by the running assistant (or in process). Figures:
- recognised: messages in another language routed to `other_language`, or to a
  safety answer (crisis, emergency, a named condition) in a language;
- in its language: of those, the identified language is the message's;
- English answer: messages in another language that got an English answer to
  something (a FAQ, a booking, a greeting...) instead;
- English look-alikes kept: English messages with foreign words that were not routed;
- and, over every English text we hold (the NLU and screen dev splits, the training
  data), how many were routed to `other_language` by mistake.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import yaml

from scripts.nlu_eval import ROOT, http_parser

SETS = ROOT / "tests" / "realworld"
OTHER = "other_language"
NOT_AN_ANSWER = {OTHER, "nlu_fallback", "out_of_scope"}
# a crisis, an emergency or a named condition, answered in the message's language
# (the safety gate reads other languages: nlp/health_reader.py)
SAFETY_ROUTES = {"crisis", "emergency", "health_mention"}


@dataclass
class LanguageFigures:
    foreign: int
    recognised: int
    right_language: int
    english_answer: int
    lookalikes: int
    lookalikes_kept: int

    def lines(self) -> List[str]:
        return [
            f"messages in another language recognised: {self.recognised}/"
            f"{self.foreign}, in the right language {self.right_language}",
            f"...given an English answer instead: {self.english_answer}/{self.foreign}",
            f"English look-alikes kept in English: {self.lookalikes_kept}/"
            f"{self.lookalikes}",
        ]


def read_items(split: str) -> List[Tuple[str, str]]:
    path = SETS / f"languages_{split}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(e["text"], e["language"]) for e in data["examples"]]


def routed(parse: Dict[str, Any]) -> Tuple[Optional[str], Optional[str]]:
    """(the intent the assistant acts on, the language entity if any)."""
    intent = (parse.get("intent") or {}).get("name")
    language = next(
        (
            e.get("value")
            for e in parse.get("entities") or []
            if e.get("entity") == "language"
        ),
        None,
    )
    return intent, language


def evaluate(
    items: List[Tuple[str, str]], parse: Callable[[str], Dict[str, Any]]
) -> LanguageFigures:
    figures = LanguageFigures(0, 0, 0, 0, 0, 0)
    for text, language in items:
        intent, found = routed(parse(text))
        if language == "en":
            figures.lookalikes += 1
            figures.lookalikes_kept += intent != OTHER
            continue
        figures.foreign += 1
        if intent == OTHER or (found and intent in SAFETY_ROUTES):
            figures.recognised += 1
            figures.right_language += found == language
        elif intent not in NOT_AN_ANSWER:
            figures.english_answer += 1
    return figures


def english_texts() -> List[str]:
    """Every English text we hold: real questions and descriptions, training data."""
    from scripts.nlu_eval import read_examples

    texts = [t for t, _ in read_examples(SETS / "nlu_dev.yml")]
    texts += [t for t, _ in read_examples(SETS / "screen_dev.yml")]
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        texts += [t for t, _ in read_examples(path)]
    return texts


def misrouted(texts: List[str], parse: Callable[[str], Dict[str, Any]]) -> List[str]:
    return [t for t in texts if routed(parse(t))[0] == OTHER]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--token", required=True)
    parser.add_argument(
        "--english", action="store_true", help="also every English text"
    )
    args = parser.parse_args(argv)
    parse = http_parser(args.url, args.token)
    print("\n".join(evaluate(read_items(args.split), parse).lines()))
    if args.english:
        texts = english_texts()
        wrong = misrouted(texts, parse)
        print(f"English texts routed to another language: {len(wrong)}/{len(texts)}")
        print("\n".join(f"  {t[:80]!r}" for t in wrong))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
