"""Mark messages that describe an emergency sign as the `emergency` intent.

Runs last in the NLU pipeline, with the same matcher and the same list
(actions/screening/contraindications.yml) as the health screen. A rule match
overrides the classifier: "my calf is suddenly swollen and hot" must reach
action_urgent_care at any point, in or out of a form, whatever DIET thought.
Negated mentions ("no chest pain") do not count.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

EMERGENCY_INTENT = "emergency"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RedFlagDetector(GraphComponent):
    """Rule-based override to the `emergency` intent."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagDetector:
        return cls()

    def __init__(self) -> None:
        # Imported here so the matcher (spaCy + lemma tables) loads once, at model load.
        from clinic.screening.matcher import default_matcher, red_flag_ids

        self._matcher = default_matcher()
        self._red_flag_ids = red_flag_ids

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            if self._red_flag_ids(self._matcher.find(text).present):
                emergency = {INTENT_NAME_KEY: EMERGENCY_INTENT, "confidence": 1.0}
                message.data[INTENT] = emergency
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(
                    0, dict(emergency)
                )
        return messages
