"""Understanding real patients' questions (tests/realworld/nlu_*.yml), through the
running assistant's /model/parse.

The dev split (the first four collections) chose the training data, the features
and the thresholds (scripts/nlu_variants.py); the test split (a fresh collection, the
fifth) was evaluated once, at the end, for the figures in the README. The bars
below are those figures, rounded down: a change that makes the assistant understand
patients worse fails here. Where they fall short of the
issue's targets, the README says by how much.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scripts.nlu_eval import evaluate, read_examples
from tests.helpers import ROOT

pytestmark = pytest.mark.server
SETS = ROOT / "tests" / "realworld"


@dataclass(frozen=True)
class Bars:
    answered: float  # answered right (after the fallback guards)
    wrong: float  # at most
    offered: float  # right label among the "Did you mean" options, of fallbacks
    out_of_scope: float  # out-of-scope recall
    weakest: float  # the weakest label's answered-right share


BARS = {
    # the first four collections (2026-11-23 and 2026-12-01; the second, third and
    # fourth each the test split until reported once): tuned on. With smart
    # punctuation made plain (2026-12-01): answered 0.878, wrong 0.059, offered 0.869
    "dev": Bars(
        answered=0.87, wrong=0.059, offered=0.86, out_of_scope=0.87, weakest=0.6
    ),
    # a fresh collection (the fifth, 2026-12-01, 166 messages, 141 of them from public
    # dialogue datasets, mostly chat turns and out-of-scope requests: the public pages
    # with patients' questions had been used up), measured once after tuning:
    # answered 0.723, wrong 0.187, offered 0.667, out of scope 0.815, weakest
    # faq/pain_relief 0.00 (two questions); the same after the punctuation change (no
    # test message has typographic quotes). The targets are 0.92 / 0.02 /
    # 0.97 / 0.93 / 0.80: not reached (README, "Understanding patients").
    "test": Bars(
        answered=0.72, wrong=0.19, offered=0.66, out_of_scope=0.81, weakest=0.0
    ),
}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_real_patients_questions_are_understood(servers, split, capsys):
    report = evaluate(read_examples(SETS / f"nlu_{split}.yml"), servers.parse)
    oos = report.per_label["out_of_scope"]
    recall = oos["answered"] / oos["total"]
    with capsys.disabled():
        print(
            f"\nNLU, real-world {split} split:\n{report.summary()}\n"
            f"out-of-scope recall: {recall:.3f}"
        )
    bars = BARS[split]
    assert report.answered_accuracy >= bars.answered
    assert report.wrong_answer_rate <= bars.wrong
    assert report.candidate_rate >= bars.offered
    assert recall >= bars.out_of_scope
    assert min(report.answered_by_label().values()) >= bars.weakest
