"""The real-world sets: text other people wrote in public, kept out of everything the
assistant learns from, and the health screen's figures on them.

The screen is judged on the first message, as the running assistant reads it
(/model/parse: the classifiers, then the health memory with the clinic's list).
Targets are the clinical-safety issue's; the dev split was used for tuning the list and
its rules, the test split only for the figures reported at the end.
"""

from __future__ import annotations

import re
from typing import List

import pytest
import yaml

from scripts.nlu_eval import normalise, training_texts
from scripts.screen_eval import evaluate, read_items
from tests.helpers import ROOT

SETS = ROOT / "tests" / "realworld"
LISTS = [
    ROOT / "clinic" / "screening" / "contraindications.yml",
    ROOT / "clinic" / "screening" / "cues.yml",
    ROOT / "clinic" / "faq_questions.yml",
]
MIN_SENTENCE_WORDS = 6  # a sentence this long, copied into a phrase list, is a quote
# Inside a (longer) training example, short common questions recur naturally ("how
# often should I get a massage"); a copied sentence of this length would not.
MIN_QUOTED_WORDS = 8


def all_texts() -> List[str]:
    texts = []
    for path in sorted(SETS.glob("*.yml")):
        texts += [e["text"] for e in yaml.safe_load(path.read_text())["examples"]]
    return texts


def sentences(text: str, words: int = MIN_SENTENCE_WORDS) -> List[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [normalise(p) for p in parts if len(p.split()) >= words]


def test_every_item_has_a_public_source_and_a_label():
    for path in sorted(SETS.glob("*.yml")):
        for example in yaml.safe_load(path.read_text())["examples"]:
            assert example["source"].startswith(("http://", "https://")), example
            label = example.get("label") or example.get("outcome")
            assert label or example.get("language"), example


def test_screen_sets_are_big_enough():
    dev, test = read_items("dev"), read_items("test")
    assert len(dev) + len(test) >= 80
    for split in (dev, test):
        assert {i.outcome for i in split} == {"clear", "doctor_first", "urgent"}


def test_no_real_world_text_is_in_training_data_or_the_phrase_lists():
    trained = training_texts()
    lists = normalise(" ".join(path.read_text() for path in LISTS))
    training = " | ".join(sorted(trained))
    leaked = []
    for text in all_texts():
        if normalise(text) in trained:
            leaked.append(text)
        # no sentence of it either, in the phrase lists or inside a training example
        leaked += [s for s in sentences(text) if s in lists]
        leaked += [s for s in sentences(text, MIN_QUOTED_WORDS) if s in training]
    assert leaked == [], f"real-world text also in training data or lists: {leaked[:5]}"


def screen_outcome(servers):
    def outcome(text: str) -> str:
        parse = servers.parse(text)
        intent = (parse.get("intent") or {}).get("name")
        health = parse.get("health") or {}
        if intent == "emergency" or health.get("urgent"):
            return "urgent"
        return (
            "doctor_first" if health.get("present") or health.get("unsure") else "clear"
        )

    return outcome


# (urgent recognised, flagged, clear kept clear, false urgent at most), as measured.
# dev: the first five collections (the second to fifth were each the test split until
# reported once), which the list was tuned on: 131/136, 174/177, 151/158, 4/335.
# test: a fresh collection (the sixth, 2026-12-01, 95 descriptions, 83 of them
# patients' questions from public medical Q&A datasets), measured once after tuning:
# 27/36, 27/30, 21/29, 5/59; before this round's tuning 27/36, 26/30, 21/29, 5/59.
# None of the targets (100 %, 95 %, 90 %, 2 %) is reached (README, "Measurements").
SCREEN_BARS = {"dev": (0.96, 0.98, 0.95, 0.012), "test": (0.75, 0.90, 0.72, 0.085)}


@pytest.mark.server
@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_screen_on_real_patients_words(servers, split, capsys):
    figures = evaluate(read_items(split), screen_outcome(servers))
    with capsys.disabled():
        print(
            f"\nscreen, real-world {split} split ({figures.n}):\n  "
            + "\n  ".join(figures.lines())
        )
    urgent, flagged, clear, false_urgent = SCREEN_BARS[split]
    assert figures.urgent_recognised >= urgent
    assert figures.flagged >= flagged
    assert figures.clear_kept >= clear
    assert figures.false_urgent <= false_urgent
