"""One linear classifier for every intent and every FAQ topic.

It reads the pipeline's MiniLM sentence vector (nlp/sentence_encoder.py), TF-IDF word
and character n-grams of the lemmas and the WordLlama embedding, and scores them with
a calibrated linear SVM (nlp/calibrated_svm.py). Why not DIET + ResponseSelector: on
this clinic's data (a hundred or so examples per label) a linear model over these
features is more accurate on real patients' questions, far better at telling off-topic
messages apart, trains in seconds and answers in about a millisecond, with no
TensorFlow model to load or warm up. The comparison: docs/nlu.md, `make bench`.

The classifier sees `faq/session_length`, `faq/clothing`, ... as labels of their own,
next to `greet`, `book_consultation`, ... Its output is what Rasa's two components
would have written, so everything downstream (FallbackClassifier, FaqGuard, the
`utter_faq` retrieval action, action_clarify) works unchanged:
- `intent`: the best intent; a retrieval intent's confidence is the sum of its topics';
- `response_selector.faq`: the topics ranked by their share of that sum.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import FunctionTransformer

from nlp.calibrated_svm import CalibratedLinearSVM
from nlp.feature_plan import FeaturePlan
from nlp.question import question_span
from nlp.sentence_encoder import CLASSIFIER_ORIGIN, reading

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_classifier.joblib"
RANKING_LENGTH = 10


@dataclass(frozen=True)
class Features:
    """What the classifier reads of a message: the lemmas of the whole message, the
    lemmas of its question (the question sentences of a long message; all of it when
    it asks none), the raw text (for the WordLlama embedding) and the MiniLM sentence
    vector the pipeline's encoder added (nlp/sentence_encoder.py)."""

    lemmas: str
    question: str
    text: str
    vector: Optional[np.ndarray] = field(default=None, compare=False)


def features_of(message: Message) -> Features:
    """Lower-case lemmas ("hurts" -> "hurt") when a tokenizer ran, else the lower-case
    text; the same for the question part."""
    text = message.get(TEXT) or ""
    vector = reading(message, CLASSIFIER_ORIGIN)
    tokens = message.get(TOKENS_NAMES[TEXT])
    if not tokens:
        lower = text.lower()
        start, end = question_span(text)
        return Features(lower, lower[start:end], text, vector)
    return features_from_words(
        text, [((t.lemma or t.text).lower(), t.start) for t in tokens], vector
    )


def features_from_words(
    text: str, words: List[Tuple[str, int]], vector: Optional[np.ndarray] = None
) -> Features:
    """Features from a message's lower-case lemmas and their character offsets; the
    question part is the lemmas inside the question span (all of them if none)."""
    start, end = question_span(text)
    question = [w for w, at in words if start <= at < end] or [w for w, _ in words]
    return Features(" ".join(w for w, _ in words), " ".join(question), text, vector)


def _lemmas(batch: List[Features]) -> List[str]:
    return [f.lemmas for f in batch]


def _questions(batch: List[Features]) -> List[str]:
    return [f.question for f in batch]


class SentenceEmbedding(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """The message's WordLlama sentence vector (nlp/embeddings.py) as a sparse block,
    scaled by `weight` next to the TF-IDF blocks. Nothing to fit; the weights are read
    from build/wordllama, not stored in the model."""

    def __init__(self, weight: float = 1.0, part: str = "text") -> None:
        self.weight = weight
        self.part = part

    def fit(self, batch: List[Features], y: Any = None) -> SentenceEmbedding:
        return self

    def transform(self, batch: List[Features]) -> sparse.csr_matrix:
        from nlp.embeddings import embed

        texts = [f.text if self.part == "text" else f.question for f in batch]
        return sparse.csr_matrix(embed(texts) * self.weight)


class EncoderReading(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """The message's MiniLM sentence vector (added by the pipeline's encoder) as a
    sparse block, scaled by `weight`. Nothing to fit, nothing stored in the model."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, batch: List[Features], y: Any = None) -> EncoderReading:
        return self

    def transform(self, batch: List[Features]) -> sparse.csr_matrix:
        missing = [f.text for f in batch if f.vector is None]
        if missing:
            raise ValueError(
                f"{len(missing)} message(s) without a MiniLM reading: the pipeline "
                "needs nlp.sentence_encoder.SentenceEncoder before the classifier"
            )
        return sparse.csr_matrix(np.stack([f.vector for f in batch]) * self.weight)


def label_of(message: Message) -> Optional[str]:
    """`faq/<topic>` for a retrieval-intent example, else its intent."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


def build_estimator(config: Dict[str, Any]) -> Pipeline:
    """TF-IDF of word 1-2-grams and char_wb n-grams of the whole message and, weighted
    by `question_weight`, of its question; the sentence embedding weighted by
    `embedding_weight`; the MiniLM reading weighted by `encoder_weight`; a linear SVM,
    sigmoid-calibrated (cross-validated) so its confidences can be compared with
    fallback thresholds (nlp/calibrated_svm.py)."""

    def tfidf(select: Any, weight: float = 1.0) -> List[Any]:
        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, config["max_word_ngram"]),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b",
        )
        chars = TfidfVectorizer(
            analyzer="char_wb",
            sublinear_tf=True,
            ngram_range=(config["min_char_ngram"], config["max_char_ngram"]),
        )
        scale = FunctionTransformer(_scaled, kw_args={"weight": weight})
        return [
            make_pipeline(FunctionTransformer(select), vectorizer, scale)
            for vectorizer in (words, chars)
        ]

    parts = tfidf(_lemmas) if config["tfidf"] else []
    if config["tfidf"] and config["question_weight"] > 0:
        parts += tfidf(_questions, config["question_weight"])
    if config["embedding_weight"] > 0:
        parts.append(SentenceEmbedding(config["embedding_weight"]))
    if config["encoder_weight"] > 0:
        parts.append(EncoderReading(config["encoder_weight"]))
    svm = CalibratedLinearSVM(
        C=config["C"],
        folds=config["calibration_folds"],
        random_state=config["random_seed"],
    )
    return Pipeline([("features", make_union(*parts)), ("classifier", svm)])


def _scaled(matrix: Any, weight: float = 1.0) -> Any:
    return matrix * weight if weight != 1.0 else matrix


def feature_parts(estimator: Pipeline) -> List[Any]:
    return [part for _, part in estimator.named_steps["features"].transformer_list]


def union_features(estimator: Pipeline, batch: List[Features]) -> sparse.csr_matrix:
    """The fitted union's features, each part through its own `transform` (the
    reference FeaturePlan is held to; FeatureUnion itself would hand each part to
    joblib.Parallel, costly for one message)."""
    return sparse.hstack([p.transform(batch) for p in feature_parts(estimator)]).tocsr()


def probabilities(
    estimator: Pipeline, batch: List[Features], plan: Optional[FeaturePlan] = None
) -> np.ndarray:
    """The fitted pipeline's `predict_proba`, its features computed by `plan`
    (nlp/feature_plan.py; built here when not given)."""
    plan = plan or FeaturePlan(feature_parts(estimator))
    return estimator.named_steps["classifier"].predict_proba(plan.transform(batch))


def split_scores(
    labels: List[str], probabilities: np.ndarray
) -> Tuple[List[Tuple[str, float]], Dict[str, List[Tuple[str, float]]]]:
    """Intent ranking (retrieval intents summed over their topics) and, per retrieval
    intent, its topics ranked by their share of it."""
    intents: Dict[str, float] = defaultdict(float)
    topics: Dict[str, List[Tuple[str, float]]] = defaultdict(list)
    for label, probability in zip(labels, probabilities.tolist(), strict=True):
        intent = label.split("/", 1)[0]
        intents[intent] += probability
        if "/" in label:
            topics[intent].append((label, probability))
    ranked_topics = {}
    for intent, pairs in topics.items():
        total = sum(p for _, p in pairs) or 1.0
        ranked_topics[intent] = sorted(
            ((label, p / total) for label, p in pairs), key=lambda pair: -pair[1]
        )
    return sorted(intents.items(), key=lambda pair: -pair[1]), ranked_topics


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearClassifier(GraphComponent, IntentClassifier):
    """Intents and FAQ topics from one calibrated linear SVM (see module docstring)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults; config.yml sets the weights, chosen by 5-fold cross-validation
        and the real-world dev split (docs/nlu.md)."""
        return {
            "C": 1.0,
            "tfidf": True,
            "max_word_ngram": 2,
            "min_char_ngram": 2,
            "max_char_ngram": 4,
            "calibration_folds": 5,
            "random_seed": 42,
            "question_weight": 0.0,
            "embedding_weight": 0.0,
            "encoder_weight": 0.0,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        estimator: Optional[Pipeline] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._estimator = estimator
        self._labels: List[str] = (
            list(estimator.classes_) if estimator is not None else []
        )
        self._plan = FeaturePlan(feature_parts(estimator)) if estimator else None

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Its code, the SVM's and the WordLlama weights (nlp/fingerprint.py)."""
        from nlp.embeddings import MODEL_DIR, WEIGHTS
        from nlp.fingerprint import files_fingerprint, sources

        code = sources("linear_classifier", "calibrated_svm", "embeddings", "question")
        return files_fingerprint([MODEL_DIR / WEIGHTS, *code])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (features_of(m), label_of(m)) for m in training_data.intent_examples
        ]
        examples = [(f, label) for f, label in examples if f.lemmas and label]
        if len({label for _, label in examples}) < 2:
            logger.warning(
                "LinearClassifier: fewer than two labels in the training data; "
                "nothing trained."
            )
            return self._resource
        counts = Counter(label for _, label in examples)
        single = sorted(label for label, n in counts.items() if n < 2)
        if single:
            logger.warning(
                "LinearClassifier: left out labels with a single example: %s", single
            )
            examples = [(text, label) for text, label in examples if counts[label] >= 2]
        folds = min(
            self._config["calibration_folds"],
            min(counts[label] for _, label in examples),
        )
        if folds < self._config["calibration_folds"]:
            thin = sorted(
                label
                for label, n in counts.items()
                if 2 <= n < self._config["calibration_folds"]
            )
            logger.warning(
                "LinearClassifier: %s have few examples; calibrating on %d folds.",
                thin,
                folds,
            )
        texts, labels = zip(*examples, strict=True)
        config = {**self._config, "calibration_folds": folds}
        # an array: CalibratedClassifierCV counts examples per class with `y == label`
        self._estimator = build_estimator(config).fit(list(texts), np.array(labels))
        self._labels = list(self._estimator.classes_)
        self._plan = FeaturePlan(feature_parts(self._estimator))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._estimator, Path(directory) / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearClassifier:
        try:
            # joblib is pickle: load only models this project trained (as Rasa's own
            # sklearn components do).
            with model_storage.read_from(resource) as directory:
                estimator = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning(
                "LinearClassifier: no trained model found; messages get no intent."
            )
            estimator = None
        return cls(config, model_storage, resource, estimator)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._estimator is None:
            return messages
        scores = probabilities(
            self._estimator, [features_of(m) for m in messages], self._plan
        )
        for message, row in zip(messages, scores, strict=True):
            intents, topics = split_scores(self._labels, row)
            name, confidence = intents[0]
            message.set(
                INTENT,
                {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence},
                add_to_output=True,
            )
            message.set(
                INTENT_RANKING_KEY,
                [
                    {INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c}
                    for n, c in intents[:RANKING_LENGTH]
                ],
                add_to_output=True,
            )
            selector: Dict[str, Any] = {
                RESPONSE_SELECTOR_RETRIEVAL_INTENTS: sorted(topics)
            }
            for intent, ranked in topics.items():
                best, best_confidence = ranked[0]
                selector[intent] = {
                    RESPONSE_SELECTOR_PREDICTION_KEY: {
                        # The answer's text lives once, in the domain; Rasa's retrieval
                        # action looks it up by `utter_action`.
                        RESPONSE_SELECTOR_RESPONSES_KEY: [],
                        PREDICTED_CONFIDENCE_KEY: best_confidence,
                        INTENT_RESPONSE_KEY: best,
                        RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{best}",
                    },
                    RESPONSE_SELECTOR_RANKING_KEY: [
                        {PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: label}
                        for label, c in ranked[:RANKING_LENGTH]
                    ],
                }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
        return messages
