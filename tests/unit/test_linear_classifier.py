"""The NLU classifier on its own: scores split into intents and FAQ topics, and a
train / save / load / answer round trip on a small data set (no Rasa server)."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.linear_classifier import LinearClassifier, split_scores


def test_a_retrieval_intent_scores_the_sum_of_its_topics_and_ranks_them_by_share():
    labels = ["faq/clothing", "faq/cost", "greet", "out_of_scope"]
    intents, topics = split_scores(labels, np.array([0.3, 0.1, 0.35, 0.25]))
    assert intents[0][0] == "faq" and intents[0][1] == pytest.approx(0.4)
    assert [name for name, _ in intents] == ["faq", "greet", "out_of_scope"]
    assert [label for label, _ in topics["faq"]] == ["faq/clothing", "faq/cost"]
    assert topics["faq"][0][1] == pytest.approx(0.75)
    assert sum(share for _, share in topics["faq"]) == pytest.approx(1.0)


EXAMPLES = {
    "faq/clothing": [
        "what should i wear",
        "do i undress",
        "what clothes to bring",
        "do i keep my underwear on",
        "is there a towel",
        "dress code for massage",
    ],
    "faq/cost": [
        "how much is it",
        "what are your prices",
        "do you take insurance",
        "how much does a session cost",
        "can i pay by card",
        "is it expensive",
    ],
    "greet": ["hello", "hi there", "good morning", "hey", "hiya", "good afternoon"],
}


def message(text: str, label: str) -> Message:
    if "/" in label:
        return Message(
            data={
                "text": text,
                "intent": label.split("/")[0],
                "intent_response_key": label,
            }
        )
    return Message(data={"text": text, "intent": label})


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**LinearClassifier.get_default_config(), "calibration_folds": 3}
    classifier = LinearClassifier.create(config, storage, resource, context)
    data = TrainingData(
        [message(t, label) for label, texts in EXAMPLES.items() for t in texts]
    )
    classifier.train(data)
    return LinearClassifier.load(config, storage, resource, context)


def test_a_saved_and_reloaded_classifier_answers_faq_topics_the_way_rasa_expects(
    trained,
):
    [parsed] = trained.process(
        [Message(data={"text": "what should i wear to my massage"})]
    )
    assert parsed.get("intent")["name"] == "faq"
    selected = parsed.get("response_selector")["faq"]
    assert selected["response"]["intent_response_key"] == "faq/clothing"
    assert selected["response"]["utter_action"] == "utter_faq/clothing"
    assert [r["intent_response_key"] for r in selected["ranking"]] == [
        "faq/clothing",
        "faq/cost",
    ]
    assert parsed.get("response_selector")["all_retrieval_intents"] == ["faq"]


def test_other_intents_and_their_ranking(trained):
    [parsed] = trained.process([Message(data={"text": "hello there"})])
    assert parsed.get("intent")["name"] == "greet"
    ranking = parsed.get("intent_ranking")
    assert [r["name"] for r in ranking] == sorted(
        ["greet", "faq"], key=lambda n: n != "greet"
    )
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_the_calibrated_svm_gives_scikit_learns_calibrated_probabilities():
    """The same method as CalibratedClassifierCV(LinearSVC, sigmoid), through public
    API only: the probabilities agree."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from nlp.calibrated_svm import CalibratedLinearSVM

    texts = [t for texts in EXAMPLES.values() for t in texts]
    labels = np.array([label for label, ts in EXAMPLES.items() for _ in ts])
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(texts)
    features = vectors.transform(texts)
    folds = StratifiedKFold(3, shuffle=True, random_state=7)
    reference = CalibratedClassifierCV(
        LinearSVC(C=1.0, random_state=7, max_iter=10000), method="sigmoid", cv=folds
    ).fit(features, labels)
    ours = CalibratedLinearSVM(C=1.0, folds=3, random_state=7).fit(features, labels)
    probe = vectors.transform(["what should i wear", "hi", "zzz qqq", "prices?"])
    assert list(ours.classes_) == list(reference.classes_)
    np.testing.assert_allclose(
        ours.predict_proba(probe), reference.predict_proba(probe), atol=1e-4
    )


def test_the_feature_plan_gives_the_fitted_unions_features_on_every_held_text():
    """The classifier computes its features with nlp/feature_plan.py, not through
    scikit-learn's transforms: the two must agree on every message the repository
    holds, or answers would change."""
    from collections import Counter
    from pathlib import Path

    from nlp.feature_plan import FeaturePlan
    from nlp.linear_classifier import (
        EncoderReading,
        build_estimator,
        feature_parts,
        features_from_words,
        union_features,
    )
    from scripts.nlu_eval import read_examples

    root = Path(__file__).resolve().parents[2]
    rng = np.random.default_rng(0)

    def features(text: str):
        words = [(w.lower(), i) for i, w in enumerate(text.split())]
        return features_from_words(text, words, rng.normal(size=8))

    train = read_examples(root / "tests" / "realworld" / "nlu_dev.yml")
    counts = Counter(label for _, label in train)
    train = [(t, label) for t, label in train if counts[label] >= 3]
    config = {
        **LinearClassifier.get_default_config(),
        "calibration_folds": 3,
        "question_weight": 0.5,
    }
    estimator = build_estimator(config)
    estimator.steps[0][1].transformer_list.append(("encoder", EncoderReading(1.5)))
    estimator.fit([features(t) for t, _ in train], np.array([lb for _, lb in train]))
    held = [
        text
        for path in sorted((root / "tests").glob("**/*.yml"))
        if "conversations" not in path.parts
        for text, _ in _examples(read_examples, path)
    ]
    assert len(held) > 2000
    plan = FeaturePlan(feature_parts(estimator))
    for text in held + ["", "?!", "ÜBER ünïcode 😀 tëxt"]:
        item = [features(text)]
        expected = union_features(estimator, item).toarray()
        assert np.allclose(plan.transform(item).toarray(), expected, atol=1e-12), text


def _examples(read, path):
    try:
        return read(path)
    except (KeyError, TypeError, AttributeError):
        return []
