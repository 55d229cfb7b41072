"""The pipeline's sentence encoder: all-MiniLM-L6-v2, once per message.

Adds two dense sentence features to the message's text (Rasa `Features`, never in the
parse output, never stored):
- origin `minilm`: the classifier's reading (question sentences first, 128 tokens),
  read by nlp/linear_classifier.py;
- origin `minilm_story`: the whole message up to 256 tokens, read by the emergency net
  in nlp/health_reader.py.
A message under 126 word pieces is one forward pass for both (nlp/minilm.py).

Training examples are encoded in batches on two threads, and their vectors kept by
content hash (nlp/embedding_cache.py), so a retrain encodes only what changed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.minilm import MiniLM, default_threads, readings, shared

CLASSIFIER_ORIGIN = "minilm"
STORY_ORIGIN = "minilm_story"


def reading(message: Message, origin: str) -> Optional[np.ndarray]:
    """The message's sentence vector from this encoder (`origin`), if it has one."""
    for feature in message.features:
        if (
            feature.origin == origin
            and feature.attribute == TEXT
            and feature.type == FEATURE_TYPE_SENTENCE
        ):
            return np.asarray(feature.features).reshape(-1)
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceEncoder(GraphComponent):
    """MiniLM sentence vectors of each message (see module docstring)."""

    def __init__(self, encoder: MiniLM) -> None:
        self._encoder = encoder

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The model file and the code that reads a message (nlp/fingerprint.py)."""
        from nlp.fingerprint import files_fingerprint, sources
        from nlp.minilm import MODEL_DIR, MODEL_FILE

        code = sources("minilm", "question", "embedding_cache", "sentence_encoder")
        return files_fingerprint([MODEL_DIR / MODEL_FILE, *code])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoder:
        # `create` is training: thousands of examples, in batches, on both cores
        return cls(shared(default_threads()))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEncoder:
        # serving one message at a time: one thread, the other core serves another
        # conversation
        return cls(shared(1))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            question, story = readings(self._encoder, text)
            _add(message, question, CLASSIFIER_ORIGIN)
            _add(message, story, STORY_ORIGIN)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        from nlp.embedding_cache import EmbeddingCache

        cache = EmbeddingCache(self._encoder)
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        texts = [m.get(TEXT) for m in examples]
        questions = cache.classifier_readings(texts)
        stories = cache.story_readings(texts)
        for message, question, story in zip(examples, questions, stories, strict=True):
            _add(message, question, CLASSIFIER_ORIGIN)
            _add(message, story, STORY_ORIGIN)
        return training_data


def _add(message: Message, vector: np.ndarray, origin: str) -> None:
    message.add_features(
        Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, origin)
    )
