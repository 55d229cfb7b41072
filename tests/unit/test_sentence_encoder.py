"""The MiniLM sentence encoder (build/minilm, `make minilm`) on its own: the published
model's behaviour, what it reads of a long message, the pipeline component and the
training cache. No server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.embedding_cache import EmbeddingCache
from nlp.minilm import CLASSIFIER_TOKENS, STORY_TOKENS, readings, shared
from nlp.sentence_encoder import (
    CLASSIFIER_ORIGIN,
    STORY_ORIGIN,
    SentenceEncoder,
    reading,
)


@pytest.fixture(scope="module")
def encoder():
    return shared(1)


def test_the_forward_pass_reproduces_the_models_published_similarities(encoder):
    # the sentence-transformers model card's example pair, and an unrelated sentence
    food, bread, baby = encoder.embed(
        [
            "A man is eating food.",
            "A man is eating a piece of bread.",
            "The girl is carrying a baby.",
        ]
    )
    assert float(food @ bread) == pytest.approx(0.755, abs=0.01)
    assert float(food @ baby) == pytest.approx(-0.10, abs=0.02)
    assert np.linalg.norm(food) == pytest.approx(1.0, abs=1e-5)


def test_paraphrases_are_nearer_than_other_questions(encoder):
    wear, undress, price = encoder.embed(
        [
            "what should I wear to my massage?",
            "do I have to take my clothes off?",
            "how much does a session cost?",
        ]
    )
    assert wear @ undress > wear @ price + 0.1


def test_a_long_message_is_read_question_first_and_the_story_whole(encoder):
    story = "My neck has been stiff for weeks after a long drive. " * 30
    question = "Can I book a massage for it this Friday?"
    text = story + question
    classifier = encoder.question_first(text)
    assert len(classifier) == CLASSIFIER_TOKENS
    asked = encoder.word_pieces(question)
    assert classifier[1 : 1 + len(asked)] == asked
    whole = encoder.story(text)
    assert len(whole) == STORY_TOKENS
    assert whole[1:5] == encoder.word_pieces(story)[:4]
    assert asked[0] not in whole[-len(asked) :]  # the story, not the question


def test_a_texts_vector_does_not_depend_on_the_texts_encoded_with_it(encoder):
    """Training vectors are the ones the server computes for the same message."""
    short, long = "does it hurt?", "my back has been sore for weeks after gardening"
    alone = encoder.embed([short])[0]
    together = encoder.embed([long, short])[1]
    served, _ = readings(encoder, short)
    assert np.array_equal(alone, together) and np.array_equal(alone, served)


def test_a_short_message_is_one_reading_for_both(encoder):
    question, story = readings(encoder, "does a deep tissue massage hurt?")
    assert np.array_equal(question, story)


def test_the_component_gives_every_message_both_readings(encoder):
    component = SentenceEncoder(encoder)
    message = Message(data={"text": "how long is a session?"})
    empty = Message(data={"text": ""})
    component.process([message, empty])
    vector = reading(message, CLASSIFIER_ORIGIN)
    assert vector is not None and vector.shape == (384,)
    assert reading(message, STORY_ORIGIN) is not None
    assert reading(empty, CLASSIFIER_ORIGIN) is None


def test_training_vectors_are_reused_by_content(encoder, tmp_path: Path, monkeypatch):
    texts = ["what should I wear?", "where are you?"]
    first = EmbeddingCache(encoder, tmp_path / "cache.npz").classifier_readings(texts)
    stored = (tmp_path / "cache.npz").read_bytes()
    assert b"wear" not in stored  # hashes and vectors only, never the text

    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(encoder, "encode_many", no_encoding)
    again = EmbeddingCache(encoder, tmp_path / "cache.npz").classifier_readings(texts)
    assert np.array_equal(first, again)


def test_training_data_gets_the_readings(encoder, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("nlp.embedding_cache.MODEL_DIR", tmp_path)
    data = TrainingData([Message(data={"text": "hello", "intent": "greet"})])
    SentenceEncoder(encoder).process_training_data(data)
    assert reading(data.training_examples[0], CLASSIFIER_ORIGIN) is not None
