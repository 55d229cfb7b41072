"""Routing a message to an intent the pipeline decides (crisis, an emergency, another
language...), the way Rasa's classifiers would have set it: the intent with full
confidence, first in the ranking, the classifier's own ranking after it (the "Did you
mean" options and the evaluation read it)."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def set_intent(message: Message, name: str) -> None:
    chosen = {INTENT_NAME_KEY: name, "confidence": 1.0}
    message.set(INTENT, chosen, add_to_output=True)
    ranking = [dict(chosen)] + [
        i
        for i in message.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
