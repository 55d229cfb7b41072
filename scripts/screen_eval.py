"""The health screen on real patients' words: tests/realworld/screen_{dev,test}.yml.

    python -m scripts.screen_eval            # dev split: figures and every miss
    python -m scripts.screen_eval --net      # the emergency net's thresholds on dev

Each description is read as a patient's first message, as the NLU pipeline's health
memory reads it: the clinic's list (clinic/screening/matcher.py) gives urgent when an
emergency sign is happening now, doctor_first when something on the list applies or
may apply, else clear; the emergency net (nlp/emergency_net.py) may add the question
"is this happening now?" where the list finds no emergency, and name a list item the
list did not read. Figures are those of the encoder issue:
- urgent recognised: the urgent answer or the question;
- urgent answers (911) given to a case that is not urgent;
- the question asked of a case that is not urgent;
- doctor_first flagged: doctor_first or urgent, or a likely item named;
- clear kept clear: clear and no item named (the question "is this happening now?"
  leaves a clear case clear once answered "no": it is counted on its own, above).

The net is trained on the dev split, so its dev figures here are out of fold (5
folds: each fifth read by a net trained on the other four, the adversarial cases and
the team's narratives). The test split is read by the net trained on all of dev.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from clinic.screening.findings import at_least

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "realworld"


@dataclass(frozen=True)
class Item:
    text: str
    outcome: str
    source: str


@dataclass(frozen=True)
class Reading:
    """What the assistant does with a first message."""

    outcome: str  # the list's: clear, doctor_first or urgent (the 911 answer)
    asks_now: bool = False  # the net's "is this happening now?"
    names_item: bool = False  # the net names a likely list item for the screen


@dataclass
class Figures:
    n: int
    urgent_recognised: float
    flagged: float
    clear_kept: float
    false_urgent: float
    asked: float
    counts: Dict[str, str]
    misses: List[str] = field(repr=False)  # real texts: kept out of assertion messages

    def lines(self) -> List[str]:
        return [
            f"urgent recognised on the first message (911 answer or the question): "
            f"{self.urgent_recognised:.3f} ({self.counts['urgent']})",
            f"doctor_first flagged (doctor_first or urgent, or an item named): "
            f"{self.flagged:.3f} ({self.counts['doctor_first']})",
            f"clear kept clear: {self.clear_kept:.3f} ({self.counts['clear']})",
            f"911 answer given to a clear or doctor_first case: "
            f"{self.false_urgent:.3f} ({self.counts['false_urgent']})",
            f"question asked of a clear or doctor_first case: {self.asked:.3f} "
            f"({self.counts['asked']})",
        ]


def read_items(split: str) -> List[Item]:
    data = yaml.safe_load((SETS / f"screen_{split}.yml").read_text(encoding="utf-8"))
    return [Item(e["text"], e["outcome"], e["source"]) for e in data["examples"]]


def evaluate(items: List[Item], read: Callable[[str], Reading]) -> Figures:
    return figures_of([(item, read(item.text)) for item in items])


def figures_of(predicted: List[Tuple[Item, Reading]]) -> Figures:
    def share(wanted: str, ok: Callable[[Reading], bool]) -> Tuple[float, str]:
        got = [r for item, r in predicted if item.outcome == wanted]
        hits = sum(ok(r) for r in got)
        return (hits / len(got) if got else 1.0), f"{hits}/{len(got)}"

    urgent, urgent_n = share("urgent", recognised)
    flagged, flagged_n = share("doctor_first", _flagged)
    clear, clear_n = share("clear", _kept_clear)
    not_urgent = [r for item, r in predicted if item.outcome != "urgent"]
    false = sum(r.outcome == "urgent" for r in not_urgent)
    asked = sum(r.asks_now and r.outcome != "urgent" for r in not_urgent)
    misses = [
        f"{item.outcome} -> {describe(r)}: {item.text[:160]!r}"
        for item, r in predicted
        if not _right(item.outcome, r)
    ]
    total = len(not_urgent) or 1
    return Figures(
        len(predicted),
        urgent,
        flagged,
        clear,
        false / total,
        asked / total,
        {
            "urgent": urgent_n,
            "doctor_first": flagged_n,
            "clear": clear_n,
            "false_urgent": f"{false}/{len(not_urgent)}",
            "asked": f"{asked}/{len(not_urgent)}",
        },
        misses,
    )


def recognised(reading: Reading) -> bool:
    return reading.outcome == "urgent" or reading.asks_now


def _flagged(reading: Reading) -> bool:
    return at_least(reading.outcome, "doctor_first") or reading.names_item


def _kept_clear(reading: Reading) -> bool:
    return reading.outcome == "clear" and not reading.names_item


def _right(gold: str, reading: Reading) -> bool:
    if gold == "urgent":
        return recognised(reading)
    if gold == "doctor_first":
        return _flagged(reading) and reading.outcome != "urgent"
    return _kept_clear(reading) and not reading.asks_now


def describe(reading: Reading) -> str:
    extras = [("asks now", reading.asks_now), ("names an item", reading.names_item)]
    return " + ".join([reading.outcome] + [name for name, on in extras if on])


def reading_of_parse(parse: Dict[str, Any]) -> Reading:
    """What the running assistant does with a message, from its /model/parse."""
    intent = (parse.get("intent") or {}).get("name")
    health = parse.get("health") or {}
    if intent == "emergency" or health.get("urgent"):
        outcome = "urgent"
    elif health.get("present") or health.get("unsure"):
        outcome = "doctor_first"
    else:
        outcome = "clear"
    return Reading(outcome, intent == "possible_emergency", bool(health.get("likely")))


def matcher_reading(text: str) -> Reading:
    from clinic.screening.matcher import find_conditions

    return Reading(find_conditions(text).outcome)


@dataclass
class OutOfFold:
    """The dev split read by the list, and by nets that did not learn from it (each
    fifth read by a net trained on the other four, the adversarial cases, the team's
    narratives and the ordinary messages); ordinary questions (the NLU dev split, none
    an emergency) read by the net trained on all of it."""

    items: List[Item]
    found: List[Any]  # the list's Findings
    readings: List[Any]  # the nets' NetReadings
    question_urgent: List[float]

    def figures(self, question: float, item: float, min_words: int) -> Figures:
        from nlp.question import story_part

        predicted = []
        for it, f, net in zip(self.items, self.found, self.readings, strict=True):
            long_enough = len(story_part(it.text).split()) >= min_words
            likely = [x for x in net.likely(item) if x not in f.flagged | f.absent]
            asks = long_enough and not f.urgent and net.urgent >= question
            predicted.append(
                (it, Reading(f.outcome, asks, long_enough and bool(likely)))
            )
        return figures_of(predicted)

    def net_alone(self, question: float) -> Tuple[int, int]:
        pairs = zip(self.items, self.readings, strict=True)
        urgent = [r for it, r in pairs if it.outcome == "urgent"]
        return sum(r.urgent >= question for r in urgent), len(urgent)

    def ordinary_interrupted(self, question: float) -> Tuple[int, int]:
        hits = sum(p >= question for p in self.question_urgent)
        return hits, len(self.question_urgent)


def out_of_fold(min_words: int) -> OutOfFold:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from clinic.screening.matcher import find_conditions
    from nlp.emergency_net import (
        TRAINING_FILES,
        fit,
        ordinary_messages,
        read_labelled,
        story_vectors,
    )
    from nlp.question import story_part
    from scripts.nlu_eval import read_examples

    dev = read_items("dev")
    labelled_dev = read_labelled(TRAINING_FILES[0])
    others = [x for path in TRAINING_FILES[1:] for x in read_labelled(path)]
    others += ordinary_messages()
    vectors = story_vectors([x.text for x in labelled_dev])
    other_vectors = story_vectors([x.text for x in others])
    outcomes = np.array([x.outcome for x in labelled_dev])
    readings: List[Any] = [None] * len(dev)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for train, held in folds.split(vectors, outcomes):
        net = fit(
            np.vstack([vectors[train], other_vectors]),
            [labelled_dev[i] for i in train] + others,
        )
        for i in held:
            readings[i] = net.read(vectors[i])
    questions = [t for t, _ in read_examples(SETS / "nlu_dev.yml")]
    whole = fit(np.vstack([vectors, other_vectors]), labelled_dev + others)
    question_urgent = [
        whole.read(v).urgent if len(story_part(t).split()) >= min_words else 0.0
        for t, v in zip(questions, story_vectors(questions), strict=True)
    ]
    found = [find_conditions(item.text) for item in dev]
    return OutOfFold(dev, found, readings, question_urgent)


def net_table(
    question: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7),
    item: Sequence[float] = (0.4, 0.5, 0.6, 0.7),
    min_words: int = 4,
) -> List[str]:
    """The dev split's figures at each pair of net thresholds, out of fold."""
    dev = out_of_fold(min_words)
    rows = [
        "| question at | item at | urgent recognised | net alone: urgent | 911 to "
        "non-urgent | question to non-urgent | question to ordinary questions | "
        "flagged | clear kept |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for q in question:
        alone, urgent = dev.net_alone(q)
        interrupted, questions = dev.ordinary_interrupted(q)
        for t in item:
            c = dev.figures(q, t, min_words).counts
            rows.append(
                f"| {q} | {t} | {c['urgent']} | {alone}/{urgent} | "
                f"{c['false_urgent']} | {c['asked']} | {interrupted}/{questions} | "
                f"{c['doctor_first']} | {c['clear']} |"
            )
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    parser.add_argument(
        "--net", action="store_true", help="the net's thresholds on dev, out of fold"
    )
    args = parser.parse_args(argv)
    if args.net:
        print("\n".join(net_table()))
        return 0
    figures = evaluate(read_items(args.split), matcher_reading)
    print(f"{args.split}: {figures.n} descriptions")
    print("\n".join(figures.lines()))
    if not args.quiet:
        print("\n".join(figures.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
