"""Compare NLU variants in a few minutes, without training Rasa models.

    .venv/bin/python -m scripts.nlu_variants              # variants on the dev split
    .venv/bin/python -m scripts.nlu_variants --thresholds # + fallback thresholds on dev

Each variant is the project's own classifier (nlp/linear_classifier.py) with other
settings or other training data, scored on what it must do well:
- 5-fold cross-validation of the training data;
- the real-world dev split (tests/realworld/nlu_dev.yml): answered right, wrong
  answers, "Did you mean" (fallbacks) and whether it offered the right label, top-3,
  out-of-scope recall. The test split is never read here: it gives the figures
  reported once, by `make test` and `make bench`;
- the team's own held-out set (tests/nlu/heldout.yml).
"Answered" is what the patient gets: the same fallback rules as config.yml
(FallbackClassifier, FaqGuard) and the health reader's crisis and emergency routing.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

from clinic.language import plain_punctuation
from nlp.linear_classifier import (
    Features,
    LinearClassifier,
    build_estimator,
    features_from_words,
    split_scores,
)
from scripts.nlu_eval import ROOT, Report, evaluate, read_examples

SPACY_PIPELINE = ROOT / "build" / "spacy" / "en_clinic"
DEV = ROOT / "tests" / "realworld" / "nlu_dev.yml"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
TEAM_DATA = [
    "faq.yml",
    "general.yml",
    "screening.yml",
    "booking.yml",
    "out_of_scope.yml",
]


@dataclass(frozen=True)
class Thresholds:
    """config.yml's FallbackClassifier (intent, ambiguity), FaqGuard (topic, margin)."""

    intent: float = 0.3
    ambiguity: float = 0.1
    topic: float = 0.5
    margin: float = 0.1

    @classmethod
    def from_config(cls) -> Thresholds:
        pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
        by_name = {step["name"].split(".")[-1]: step for step in pipeline}
        fallback, guard = by_name["FallbackClassifier"], by_name["FaqGuard"]
        return cls(
            fallback["threshold"],
            fallback["ambiguity_threshold"],
            guard["threshold"],
            guard["margin"],
        )


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy

    return spacy.load(SPACY_PIPELINE)


@lru_cache(maxsize=1)
def _encoder_cache() -> Any:
    from nlp.embedding_cache import EmbeddingCache
    from nlp.minilm import default_threads, shared

    return EmbeddingCache(shared(default_threads()))


def features(texts: Sequence[str]) -> List[Features]:
    """What the classifier reads, from the project's spaCy pipeline and the MiniLM
    encoder (as in Rasa)."""
    plain = [plain_punctuation(t) for t in texts]
    vectors = _encoder_cache().classifier_readings(plain)
    return [
        features_from_words(
            text, [((t.lemma_ or t.text).lower(), t.idx) for t in doc], vector
        )
        for text, doc, vector in zip(plain, _nlp().pipe(plain), vectors, strict=True)
    ]


def training_examples(files: Optional[Sequence[str]] = None) -> List[Tuple[str, str]]:
    """data/nlu/**: every file, or only the named ones."""
    paths = sorted((ROOT / "data" / "nlu").rglob("*.yml"))
    if files is not None:
        paths = [p for p in paths if p.name in files and p.parent.name == "nlu"]
    return [pair for path in paths for pair in read_examples(path)]


def parse_data(
    labels: List[str], row: np.ndarray, text: str, limits: Thresholds
) -> Dict[str, Any]:
    """The parse data the Rasa pipeline would produce for one message."""
    intents, topics = split_scores(labels, row)
    ranking = [{"name": n, "confidence": c} for n, c in intents[:10]]
    selector = {}
    for intent, ranked in topics.items():
        keys = [{"intent_response_key": k, "confidence": c} for k, c in ranked[:10]]
        best = keys[0]["intent_response_key"] if keys else None
        selector[intent] = {"ranking": keys, "response": {"intent_response_key": best}}
    topic_ranking = selector.get("faq", {}).get("ranking", [])
    parse: Dict[str, Any] = {
        "text": text,
        "intent": dict(ranking[0]),
        "intent_ranking": ranking,
        "response_selector": selector,
    }
    top = ranking[0]["confidence"]
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    unsure_intent = top < limits.intent or top - second < limits.ambiguity
    topic_top = topic_ranking[0]["confidence"] if topic_ranking else 0.0
    topic_second = topic_ranking[1]["confidence"] if len(topic_ranking) > 1 else 0.0
    unsure_topic = parse["intent"]["name"] == "faq" and (
        topic_top < limits.topic or topic_top - topic_second < limits.margin
    )
    if unsure_intent or unsure_topic:
        parse["intent"] = {"name": "nlu_fallback", "confidence": limits.intent}
        parse["intent_ranking"] = [dict(parse["intent"])] + ranking
    return _health_routed(_medicine_routed(parse))


def _medicine_routed(parse: Dict[str, Any]) -> Dict[str, Any]:
    """The medicine guard's routing (nlp/medicine_guard.py)."""
    from clinic.medicine import asks_about_medicine
    from nlp.medicine_guard import KEEP_ROUTE, MEDICINE

    if parse["intent"]["name"] in KEEP_ROUTE or not asks_about_medicine(parse["text"]):
        return parse
    parse["intent"] = {"name": "out_of_scope", "confidence": 1.0}
    parse["intent_ranking"] = [dict(parse["intent"])] + parse["intent_ranking"]
    parse["response_selector"]["out_of_scope"] = {
        "ranking": [{"intent_response_key": MEDICINE, "confidence": 1.0}],
        "response": {"intent_response_key": MEDICINE},
    }
    return parse


def _health_routed(parse: Dict[str, Any]) -> Dict[str, Any]:
    """The health reader's routing (nlp/health_reader.py): crisis and emergencies."""
    from clinic.screening.matcher import find_conditions

    found = find_conditions(parse["text"])
    if found.crisis or found.urgent:
        name = "crisis" if found.crisis else "emergency"
        parse["intent"] = {"name": name, "confidence": 1.0}
        parse["intent_ranking"] = [dict(parse["intent"])] + parse["intent_ranking"]
    return parse


class Variant:
    def __init__(
        self, name: str, config: Dict[str, Any], data: Optional[Sequence[str]] = None
    ) -> None:
        self.name, self.data = name, data
        self.config = {**LinearClassifier.get_default_config(), **config}

    def fit(self, examples: List[Tuple[str, str]]) -> Any:
        texts, labels = zip(*examples, strict=True)
        return build_estimator(self.config).fit(features(texts), np.array(labels))


def score(
    estimator: Any, examples: List[Tuple[str, str]], limits: Thresholds
) -> Report:
    texts = [t for t, _ in examples]
    probabilities = estimator.predict_proba(features(texts))
    labels = list(estimator.classes_)
    parsed = {
        t: parse_data(labels, row, t, limits)
        for t, row in zip(texts, probabilities, strict=True)
    }
    return evaluate(examples, lambda text: parsed[text])


def cross_validated(variant: Variant, examples: List[Tuple[str, str]]) -> float:
    texts, labels = [t for t, _ in examples], np.array([y for _, y in examples])
    right = 0
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for train, held in folds.split(texts, labels):
        model = variant.fit([examples[i] for i in train])
        predicted = model.predict(features([texts[i] for i in held]))
        right += int((predicted == labels[held]).sum())
    return right / len(texts)


def variants() -> List[Variant]:
    """The encoder issue's comparison: MiniLM alone, with TF-IDF, with or without
    WordLlama; the calibrated linear SVM (the head in use) at a few strengths."""
    tfidf = {"question_weight": 0.5}
    return [
        Variant("TF-IDF + WordLlama (before MiniLM)", {**tfidf, "embedding_weight": 1}),
        Variant("MiniLM alone", {"tfidf": False, "encoder_weight": 1.0}),
        Variant("MiniLM + TF-IDF", {**tfidf, "encoder_weight": 1.0}),
        Variant("MiniLM x2 + TF-IDF", {**tfidf, "encoder_weight": 2.0}),
        Variant(
            "MiniLM + TF-IDF + WordLlama",
            {**tfidf, "embedding_weight": 1.0, "encoder_weight": 1.0},
        ),
        Variant(
            "MiniLM x1.5 + TF-IDF + WordLlama",
            {**tfidf, "embedding_weight": 1.0, "encoder_weight": 1.5},
        ),
        Variant(
            "MiniLM + TF-IDF + WordLlama, C=0.5",
            {**tfidf, "embedding_weight": 1.0, "encoder_weight": 1.0, "C": 0.5},
        ),
    ]


def row(report: Report) -> str:
    recall = report.out_of_scope_recall
    return (
        f"{report.answered_accuracy:.3f} | {report.wrong_answer_rate:.3f} | "
        f"{report.fallback_rate:.3f} | {report.candidate_rate:.3f} | "
        f"{report.top3_rate:.3f} | {recall:.3f}"
    )


def variant_table(limits: Thresholds, only: Optional[str] = None) -> Iterator[str]:
    """The table's lines, a variant at a time (each takes a minute or two)."""
    dev, heldout = read_examples(DEV), read_examples(HELDOUT)
    yield (
        "| variant | 5-fold CV | dev answered right | dev wrong | dev fallback | "
        "dev right label offered (of fallbacks) | dev top-3 | dev out-of-scope "
        "recall | held-out answered right | train s |"
    )
    yield "|---|---|---|---|---|---|---|---|---|---|"
    for variant in variants():
        if only and only not in variant.name:
            continue
        examples = training_examples(variant.data)
        started = time.monotonic()
        model = variant.fit(examples)
        seconds = time.monotonic() - started
        cv = cross_validated(variant, examples)
        held = score(model, heldout, limits)
        yield (
            f"| {variant.name} | {cv:.3f} | {row(score(model, dev, limits))} | "
            f"{held.answered_accuracy:.3f} | {seconds:.1f} |"
        )


def threshold_table(config: Dict[str, Any]) -> None:
    """Fallback thresholds for the chosen classifier, judged on the dev split."""
    model = Variant("chosen", config).fit(training_examples())
    dev = read_examples(DEV)
    print(
        "\n| intent threshold | ambiguity | topic threshold | topic margin | "
        "answered right | wrong | fallback | right label offered | top-3 | "
        "out-of-scope recall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    grid = itertools.product((0.3, 0.4), (0.05, 0.1), (0.5, 0.55, 0.6), (0.05, 0.1))
    for intent, ambiguity, topic, margin in grid:
        limits = Thresholds(intent, ambiguity, topic, margin)
        print(
            f"| {intent} | {ambiguity} | {topic} | {margin} | "
            f"{row(score(model, dev, limits))} |",
            flush=True,
        )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--thresholds", action="store_true")
    parser.add_argument("--only", help="variants whose name contains this")
    args = parser.parse_args(argv)
    limits = Thresholds.from_config()
    for line in variant_table(limits, args.only):
        print(line, flush=True)
    if args.thresholds:
        config = next(
            s
            for s in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
            if s["name"].endswith("LinearClassifier")
        )
        threshold_table({k: v for k, v in config.items() if k != "name"})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
