"""Turn an unsure FAQ answer into `nlu_fallback`.

Rasa's FallbackClassifier only looks at the intent: a confident `faq` intent with an
unsure *sub*-intent (which article to answer with) slips through and the bot answers
the wrong question (rasa issue 9723). This component runs after the LinearClassifier
(nlp/linear_classifier.py), which ranks the FAQ topics where Rasa's ResponseSelector
would (`response_selector.faq.ranking`), and applies the same two checks to that
ranking: the top topic must be confident enough and clearly ahead of the runner-up.
When it is not, the message becomes `nlu_fallback`, exactly as FallbackClassifier
would do, and action_clarify offers the top candidates ("Did you mean ...?").
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from nlp.component import MessageReader

RETRIEVAL_INTENT = "faq"


def topic_ranking(parse_data: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The FAQ topic ranking stored on a parsed message (by the LinearClassifier)."""
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    return selector.get("ranking") or []


def is_unsure(ranking: List[Dict[str, Any]], threshold: float, margin: float) -> bool:
    """True when the best topic is weak or too close to the second best."""
    if not ranking:
        return True
    top = float(ranking[0].get("confidence", 0.0))
    second = float(ranking[1].get("confidence", 0.0)) if len(ranking) > 1 else 0.0
    return top < threshold or (top - second) < margin


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class FaqGuard(MessageReader):
    """Fallback for low-confidence or ambiguous FAQ topics."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults only; config.yml sets the thresholds (docs/nlu.md)."""
        return {"threshold": 0.5, "margin": 0.1}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._threshold = float(config["threshold"])
        self._margin = float(config["margin"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent: Optional[Dict[str, Any]] = message.get(INTENT)
            if not intent or intent.get(INTENT_NAME_KEY) != RETRIEVAL_INTENT:
                continue
            if is_unsure(topic_ranking(message.data), self._threshold, self._margin):
                fallback = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    "confidence": self._threshold,
                }
                message.data[INTENT] = fallback
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(
                    0, dict(fallback)
                )
        return messages
