"""Compare NLU classifier variants in seconds, without training Rasa models.

    .venv/bin/python -m scripts.nlu_variants

Each variant is trained on data/nlu and scored three ways: 5-fold cross-validation on
the training data (the figure variants are chosen on, so the held-out set stays a fair
test), top-1 accuracy on tests/nlu/heldout.yml and out-of-scope recall on
tests/nlu/out_of_scope.yml. The text is what nlp.linear_classifier sees: lower-case
lemmas from the project's spaCy pipeline. DIET's figures come from `make bench`
(training it takes minutes): see the README, "NLU pipeline".
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
import spacy
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from nlp.faq_guard import is_unsure
from nlp.linear_classifier import LinearClassifier, build_estimator, split_scores
from scripts.nlu_eval import ROOT, read_examples

SPACY_PIPELINE = ROOT / "build" / "spacy" / "en_clinic"
ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # "[Sam](name)" -> "Sam"


def training_examples() -> List[Tuple[str, str]]:
    return [
        (ANNOTATION.sub(r"\1", text), label)
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for text, label in read_examples(path)
    ]


def tfidf(max_char: int = 4):
    return make_union(
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b",
        ),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, max_char), sublinear_tf=True
        ),
    )


def variants() -> Dict[str, Tuple[bool, Callable[[], Any]]]:
    """name -> (uses lemmas, estimator factory)."""
    chosen = LinearClassifier.get_default_config()
    return {
        "chosen: calibrated linear SVM, lemmas, char 2-4": (
            True,
            lambda: build_estimator(chosen),
        ),
        "same, raw words instead of lemmas": (False, lambda: build_estimator(chosen)),
        "same, char 2-5": (
            True,
            lambda: build_estimator({**chosen, "max_char_ngram": 5}),
        ),
        "linear SVM, not calibrated": (
            True,
            lambda: Pipeline(
                [("f", tfidf()), ("c", LinearSVC(C=1.0, random_state=42))]
            ),
        ),
        "logistic regression C=10": (
            True,
            lambda: Pipeline(
                [("f", tfidf()), ("c", LogisticRegression(C=10, max_iter=5000))]
            ),
        ),
        "logistic regression C=50": (
            True,
            lambda: Pipeline(
                [("f", tfidf()), ("c", LogisticRegression(C=50, max_iter=5000))]
            ),
        ),
        "linear SVM, word n-grams only (no char n-grams)": (
            True,
            lambda: Pipeline(
                [
                    (
                        "f",
                        TfidfVectorizer(
                            ngram_range=(1, 2),
                            sublinear_tf=True,
                            token_pattern=r"(?u)\b\w+\b",
                        ),
                    ),
                    ("c", LinearSVC(C=1.0, random_state=42)),
                ]
            ),
        ),
    }


# (FallbackClassifier threshold, its ambiguity threshold, FaqGuard threshold, its
# margin)
THRESHOLDS = [
    (0.5, 0.1, 0.5, 0.1),
    (0.4, 0.1, 0.5, 0.1),
    (0.3, 0.1, 0.5, 0.1),
    (0.3, 0.05, 0.4, 0.1),
    (0.2, 0.05, 0.3, 0.05),
]


def answered(labels: List[str], row: np.ndarray, thresholds: Tuple[float, ...]) -> str:
    """What the user gets: a label, or nlu_fallback from FallbackClassifier or
    FaqGuard."""
    threshold, ambiguity, topic_threshold, topic_margin = thresholds
    intents, topics = split_scores(labels, row)
    (best, confidence), runner_up = (
        intents[0],
        intents[1][1] if len(intents) > 1 else 0.0,
    )
    if confidence < threshold or confidence - runner_up < ambiguity:
        return "nlu_fallback"
    if best in topics:
        ranked = topics[best]
        if is_unsure(
            [{"confidence": c} for _, c in ranked], topic_threshold, topic_margin
        ):
            return "nlu_fallback"
        return ranked[0][0]
    return best


def threshold_table(texts: List[str], labels: np.ndarray) -> None:
    """Fallback thresholds judged on cross-validated predictions of the training data
    only."""
    model = build_estimator(LinearClassifier.get_default_config())
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    probabilities = cross_val_predict(
        model, texts, labels, cv=folds, method="predict_proba"
    )
    classes = sorted(set(labels))
    print(
        "\n| thresholds (intent, ambiguity, topic, topic margin) | CV right | CV "
        "wrong | "
        'CV "Did you mean" | CV precision of answers |\n|---|---|---|---|---|'
    )
    for thresholds in THRESHOLDS:
        got = np.array([answered(classes, row, thresholds) for row in probabilities])
        right, fallback = np.mean(got == labels), np.mean(got == "nlu_fallback")
        wrong = 1 - right - fallback
        print(
            f"| {thresholds} | {right:.3f} | {wrong:.3f} | {fallback:.3f} | "
            f"{right / (right + wrong):.3f} |"
        )


def main() -> None:
    nlp = spacy.load(SPACY_PIPELINE)

    def lemmas(text: str) -> str:
        return " ".join((t.lemma_ or t.text).lower() for t in nlp(text))

    train = training_examples()
    heldout = read_examples(ROOT / "tests" / "nlu" / "heldout.yml")
    off_topic = [
        text for text, _ in read_examples(ROOT / "tests" / "nlu" / "out_of_scope.yml")
    ]
    labels = np.array([label for _, label in train])
    print(
        f"{len(train)} training examples, {len(set(labels))} labels; "
        f"{len(heldout)} held-out, {len(off_topic)} off-topic\n"
    )
    print(
        "| variant | 5-fold CV (training data) | held-out top-1 | out-of-scope recall "
        "| train s |"
    )
    print("|---|---|---|---|---|")
    for name, (use_lemmas, make) in variants().items():
        prep = lemmas if use_lemmas else str.lower
        texts = [prep(t) for t, _ in train]
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        cv = np.mean(cross_val_predict(make(), texts, labels, cv=folds) == labels)
        started = time.perf_counter()
        model = make().fit(texts, labels)
        seconds = time.perf_counter() - started
        held = np.mean(
            model.predict([prep(t) for t, _ in heldout])
            == np.array([label for _, label in heldout])
        )
        oos = np.mean(model.predict([prep(t) for t in off_topic]) == "out_of_scope")
        print(
            f"| {name} | {cv:.3f} | {held:.3f} | {oos:.3f} | {seconds:.1f} |",
            flush=True,
        )
    threshold_table([lemmas(t) for t, _ in train], labels)


if __name__ == "__main__":
    main()
