"""Held-out NLU evaluation: accuracy, wrong answers and fallbacks.

A message's label is its intent, or `faq/<topic>` for FAQ questions. Two views:
- top-1 (raw): the model's best label, ignoring the fallback guards;
- as answered: what the user gets. A guard turning the message into nlu_fallback
  is not a wrong answer (the user is asked "Did you mean ...?"), but it is not
  a correct one either.

Usage: python -m scripts.nlu_eval [--url http://localhost:5005 --token T] [FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Tuple

import yaml

from clinic import labels

FALLBACK = "nlu_fallback"
MENTION = "health_mention"  # set by the health reader (nlp/health_reader.py)
CHECK = "possible_emergency"  # likewise: "is this happening now?", then the answer
ROOT = Path(__file__).resolve().parent.parent


def read_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs from a Rasa NLU YAML file, or from a set of `examples` with
    text and label (tests/realworld/nlu_*.yml) or outcome (the screen's sets and
    data/screen/narratives.yml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "examples" in data:
        return [(e["text"], e.get("label") or e["outcome"]) for e in data["examples"]]
    pairs = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", re.sub(r"\s+", " ", text.lower())).strip()


def training_texts(data_dir: Path = ROOT / "data") -> set:
    texts = set()
    for path in data_dir.rglob("*.yml"):
        texts.update(normalise(text) for text, _ in read_examples(path))
    return texts


def labels_of(parse: Dict[str, Any]) -> Tuple[str, str]:
    """(raw top-1 label, label as answered) of a /model/parse result.

    A message the health reader routed to `health_mention` (it names a condition) or
    to `possible_emergency` is answered as what it asked (`health.asked`): the guidance
    or the safety question comes first, then that answer."""
    asked = (parse.get("health") or {}).get("asked")
    routed = [MENTION, CHECK] if asked not in (MENTION, CHECK) else []
    ranking = [
        i
        for i in parse.get("intent_ranking") or []
        if i.get("name") not in (FALLBACK, *routed)
    ]
    raw_intent = (
        ranking[0]["name"] if ranking else (parse.get("intent") or {}).get("name")
    )
    answered_intent = (parse.get("intent") or {}).get("name")
    if answered_intent in (MENTION, CHECK) and asked:
        answered_intent = asked

    def with_topic(intent: str) -> str:
        if intent != "faq":
            return intent
        selector = (parse.get("response_selector") or {}).get("faq") or {}
        key = ((selector.get("response") or {}).get("intent_response_key")) or "faq"
        return key

    return with_topic(raw_intent), with_topic(answered_intent)


OUT_OF_SCOPE = "out_of_scope"
# out-of-scope answers that send the patient somewhere (doctor, pharmacist): a label
# with one of these kinds needs that answer; the other kinds are one polite "not here"
STRICT_KINDS = frozenset({"out_of_scope/medicine", "out_of_scope/diagnosis"})


def out_of_scope_kind(parse: Dict[str, Any]) -> str:
    """The out-of-scope answer a parse gets ("out_of_scope/medicine"), or
    "out_of_scope" when the classifier chose none."""
    selector = (parse.get("response_selector") or {}).get(OUT_OF_SCOPE) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    return str(key or OUT_OF_SCOPE)


def same_answer(expected: str, label: str, parse: Dict[str, Any]) -> bool:
    """Whether the patient gets the answer a label asks for. `label` is what
    `labels_of` gives; an out-of-scope label with a kind ("out_of_scope/medicine")
    is held to its kind where that kind's answer matters (STRICT_KINDS)."""
    if not expected.startswith(OUT_OF_SCOPE):
        return label == expected
    if label != OUT_OF_SCOPE:
        return False
    kind = out_of_scope_kind(parse)
    if expected == OUT_OF_SCOPE or kind == expected:
        return True
    return not ({expected, kind} & STRICT_KINDS)


@dataclass
class Report:
    total: int = 0
    raw_correct: int = 0
    answered_correct: int = 0
    wrong_answers: int = 0
    fallbacks: int = 0
    per_label: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusions: Counter = field(default_factory=Counter)
    fallbacks_with_candidate: int = 0  # "Did you mean" offered the right label
    in_top3: int = 0

    @property
    def accuracy(self) -> float:
        return self.raw_correct / self.total if self.total else 0.0

    @property
    def answered_accuracy(self) -> float:
        return self.answered_correct / self.total if self.total else 0.0

    @property
    def wrong_answer_rate(self) -> float:
        return self.wrong_answers / self.total if self.total else 0.0

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.total if self.total else 0.0

    @property
    def candidate_rate(self) -> float:
        """Of the "Did you mean" answers, the share that offered the right label."""
        return self.fallbacks_with_candidate / self.fallbacks if self.fallbacks else 1.0

    @property
    def top3_rate(self) -> float:
        return self.in_top3 / self.total if self.total else 0.0

    @property
    def out_of_scope_recall(self) -> float:
        """Out-of-scope messages (of every kind) answered as out of scope (of any
        kind; the medicine answer is counted on its own label)."""
        counts = [c for k, c in self.per_label.items() if k.startswith(OUT_OF_SCOPE)]
        total = sum(c["total"] for c in counts)
        return sum(c["out_of_scope"] for c in counts) / total if total else 1.0

    def answered_by_label(self) -> Dict[str, float]:
        return {
            label: c["answered"] / c["total"] for label, c in self.per_label.items()
        }

    def weakest(self, n: int = 8) -> List[Tuple[str, float]]:
        return sorted(self.answered_by_label().items(), key=lambda kv: kv[1])[:n]

    def summary(self) -> str:
        lines = [
            f"held-out messages: {self.total}",
            f"top-1 accuracy (intent, FAQ topic for faq): {self.accuracy:.3f}",
            f"answered correctly (after fallback guards): {self.answered_accuracy:.3f}",
            f"wrong answers: {self.wrong_answer_rate:.3f}   "
            f'fallback ("Did you mean"): {self.fallback_rate:.3f}',
            f"right label among the offered candidates (of fallbacks): "
            f"{self.candidate_rate:.3f}   "
            f"right label in the 3 best: {self.top3_rate:.3f}",
            "weakest labels (answered right): "
            + ", ".join(f"{label} {share:.2f}" for label, share in self.weakest()),
        ]
        if self.confusions:
            lines.append("most frequent top-1 confusions (expected -> predicted):")
            for (expected, predicted), n in self.confusions.most_common(10):
                lines.append(f"  {n} x {expected} -> {predicted}")
        return "\n".join(lines)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "total": self.total,
            "accuracy": self.accuracy,
            "answered_accuracy": self.answered_accuracy,
            "wrong_answer_rate": self.wrong_answer_rate,
            "fallback_rate": self.fallback_rate,
            "candidate_rate": self.candidate_rate,
            "top3_rate": self.top3_rate,
            "out_of_scope_recall": self.out_of_scope_recall,
            "per_label": {k: dict(v) for k, v in self.per_label.items()},
            "confusions": [[e, p, n] for (e, p), n in self.confusions.most_common()],
        }


def evaluate(
    examples: Iterable[Tuple[str, str]], parse: Callable[[str], Dict[str, Any]]
) -> Report:
    report = Report()
    for text, expected in examples:
        parsed = parse(text)
        raw, answered = labels_of(parsed)
        base = (
            expected.split("/", 1)[0] if expected.startswith(OUT_OF_SCOPE) else expected
        )
        report.total += 1
        report.per_label[expected]["total"] += 1
        if same_answer(expected, raw, parsed):
            report.raw_correct += 1
            report.per_label[expected]["correct"] += 1
        else:
            shown = out_of_scope_kind(parsed) if raw == OUT_OF_SCOPE else raw
            report.confusions[(expected, shown)] += 1
        if base in ranked_labels(parsed)[:3]:
            report.in_top3 += 1
        if base == OUT_OF_SCOPE and answered == OUT_OF_SCOPE:
            report.per_label[expected]["out_of_scope"] += 1
        if same_answer(expected, answered, parsed):
            report.answered_correct += 1
            report.per_label[expected]["answered"] += 1
        elif answered == FALLBACK:
            report.fallbacks += 1
            if base in offered_labels(parsed):
                report.fallbacks_with_candidate += 1
        else:
            report.wrong_answers += 1
    return report


def ranked_labels(parse: Dict[str, Any]) -> List[str]:
    """Every label by score (clinic/labels.py, as "Did you mean" ranks them)."""
    return [label for label, _ in labels.ranked_labels(parse)]


def offered_labels(parse: Dict[str, Any]) -> List[str]:
    """The labels "Did you mean" offers for this parse (clinic/clarification.py)."""
    from clinic.clarification import candidate_options, topic_questions

    by_question = {q: f"faq/{t}" for t, q in topic_questions().items()}
    options = candidate_options(parse, topic_questions())
    return [by_question.get(o.payload, o.payload.lstrip("/")) for o in options]


def agent_parser(model: Path) -> Callable[[str], Dict[str, Any]]:
    """Parse in this process with a trained model (no server): for comparing models."""
    import asyncio

    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict[str, Any]:
        return dict(loop.run_until_complete(agent.parse_message(text)))

    return parse


def http_parser(url: str, token: str) -> Callable[[str], Dict[str, Any]]:
    def parse(text: str) -> Dict[str, Any]:
        request = urllib.request.Request(
            f"{url}/model/parse?token={token}",
            json.dumps({"text": text}).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    return parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "file", nargs="?", type=Path, default=ROOT / "tests/nlu/heldout.yml"
    )
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--token", required=True)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = evaluate(read_examples(args.file), http_parser(args.url, args.token))
    print(report.summary())
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=2))
    sys.exit(0)


if __name__ == "__main__":
    main()
