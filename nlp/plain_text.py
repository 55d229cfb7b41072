"""First in the NLU pipeline: the message read with plain punctuation ("can’t" as
"can't"), so the tokenizer's contractions and lemmas work on text from phones and
blogs as on typed text ("n’t" would stay "n’t", "n't" becomes "not").

Only the text the pipeline reads changes: each typographic character is replaced by
one plain one (clinic/language.py), so offsets match the patient's text, and the
conversation keeps what the patient wrote.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic.language import plain_punctuation
from nlp.component import MessageReader


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class PlainPunctuation(MessageReader):
    """Typographic apostrophes, quotes and no-break spaces made plain."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            _make_plain(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            _make_plain(message)
        return training_data


def _make_plain(message: Message) -> None:
    text = message.get(TEXT)
    if isinstance(text, str):
        plain = plain_punctuation(text)
        if plain != text:
            message.set(TEXT, plain, add_to_output=True)
