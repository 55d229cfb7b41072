"""Routing a message to an intent the pipeline decides (crisis, an emergency, another
language, a medicine question...), the way Rasa's classifiers would have set it: the
intent with full confidence, first in the ranking, the classifier's own ranking after
it (the "Did you mean" options and the evaluation read it)."""

from __future__ import annotations

from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
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


def set_retrieval(message: Message, intent_response_key: str) -> None:
    """Choose the answer of a retrieval intent ("out_of_scope/medicine"), first in its
    ranking, the way the classifier writes `response_selector`."""
    intent = intent_response_key.split("/", 1)[0]
    selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
    ranking = [
        r
        for r in (selector.get(intent) or {}).get(RESPONSE_SELECTOR_RANKING_KEY) or []
        if r.get(INTENT_RESPONSE_KEY) != intent_response_key
    ]
    chosen = {PREDICTED_CONFIDENCE_KEY: 1.0, INTENT_RESPONSE_KEY: intent_response_key}
    selector[intent] = {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: [],
            PREDICTED_CONFIDENCE_KEY: 1.0,
            INTENT_RESPONSE_KEY: intent_response_key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{intent_response_key}",
        },
        RESPONSE_SELECTOR_RANKING_KEY: [chosen, *ranking],
    }
    retrieval = set(selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS) or [])
    selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = sorted(retrieval | {intent})
    message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
