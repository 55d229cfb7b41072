"""Understanding real patients' questions (tests/realworld/nlu_*.yml), through the
running assistant's /model/parse.

The dev split (the first four collections) chose the training data, the features
and the thresholds (scripts/nlu_variants.py); the test split (a fresh collection, the
fifth) was evaluated once before and once after the MiniLM encoder, for the figures in
the README. The bars
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
    # fourth each the test split until reported once): tuned on. With the MiniLM
    # encoder (2026-12-04): answered 0.898, wrong 0.031, offered 0.919, out of scope
    # 0.924, weakest safety_check 0.69 (before: 0.878, 0.059, 0.869, 0.879)
    "dev": Bars(
        answered=0.89, wrong=0.032, offered=0.91, out_of_scope=0.92, weakest=0.65
    ),
    # a fresh collection (the fifth, 2026-12-01, 166 messages, 141 of them from public
    # dialogue datasets, mostly chat turns and out-of-scope requests), evaluated once
    # before (1e6bd38: answered 0.723, wrong 0.187, offered 0.667, out of scope 0.815)
    # and with the MiniLM encoder (2026-12-04): 0.789, 0.090 (15/166), 0.750, 0.963,
    # weakest faq/frequency and faq/pain_relief 0.00 (one and two questions). The
    # issue's targets are 0.92 / 0.02 / 0.97 / 0.95 / 0.80: not reached (README).
    "test": Bars(
        answered=0.78, wrong=0.091, offered=0.75, out_of_scope=0.96, weakest=0.0
    ),
}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_real_patients_questions_are_understood(servers, split, capsys):
    report = evaluate(read_examples(SETS / f"nlu_{split}.yml"), servers.parse)
    recall = report.out_of_scope_recall
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
