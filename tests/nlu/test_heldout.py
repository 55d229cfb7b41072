"""The trained model on messages it never saw: the figure is printed, 0.90 is the bar."""
import pytest

from scripts.nlu_eval import evaluate, normalise, read_examples, training_texts
from tests.helpers import ROOT

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
MIN_ACCURACY = 0.90
MAX_WRONG_ANSWERS = 0.05


def test_heldout_set_is_big_and_truly_held_out():
    examples = read_examples(HELDOUT)
    assert len(examples) >= 150
    overlap = [t for t, _ in examples if normalise(t) in training_texts()]
    assert overlap == [], f"held-out messages also in training data: {overlap}"


@pytest.mark.server
def test_heldout_accuracy(servers, capsys):
    report = evaluate(read_examples(HELDOUT), servers.parse)
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.accuracy >= MIN_ACCURACY
    assert report.wrong_answer_rate <= MAX_WRONG_ANSWERS


def test_out_of_scope_bench_set_is_big_and_truly_held_out():
    examples = read_examples(ROOT / "tests" / "nlu" / "out_of_scope.yml")
    assert len(examples) >= 40 and {label for _, label in examples} == {"out_of_scope"}
    overlap = [t for t, _ in examples if normalise(t) in training_texts()]
    assert overlap == [], f"also in training data: {overlap}"
