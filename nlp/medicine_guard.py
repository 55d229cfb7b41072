"""A question about a medicine gets the medicine answer, whatever else it names.

Runs after the classifier, its fallback guards and the language guard. A message that
names a medicine and asks about it, with no word about massage (clinic/medicine.py),
becomes `out_of_scope` with the sub-kind `medicine` (`utter_out_of_scope/medicine`:
"please ask your doctor or pharmacist"), where the classifier may have read a massage
topic into it ("does my muscle relaxant help my back pain?" is not faq/pain_relief), and
where the language identifier took a question full of drug names for another language
(the words the reader matched are English). Answers to the assistant's own questions and
requests that act on the conversation keep their route, and the health reader, which
runs after this, still reads every message for crisis, emergencies and
contraindications.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic.medicine import asks_about_medicine
from nlp.component import MessageReader
from nlp.language_guard import LANGUAGE_ENTITY, OTHER_LANGUAGE_INTENT
from nlp.routing import set_intent, set_retrieval

OUT_OF_SCOPE = "out_of_scope"
MEDICINE = "out_of_scope/medicine"
# answers to a question the assistant asked, and requests about the conversation
KEEP_ROUTE = {
    "inform",
    "affirm",
    "deny",
    "stop",
    "human_handoff",
    "book_consultation",
    "cancel_booking",
    "reschedule_booking",
    "forget_me",
    "crisis",
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class MedicineGuard(MessageReader):
    """Medicine questions to `out_of_scope/medicine` (see module docstring)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if text.startswith("/") or name in KEEP_ROUTE:
                continue
            if not asks_about_medicine(text):
                continue
            if name == OTHER_LANGUAGE_INTENT:
                entities = message.get(ENTITIES) or []
                kept = [e for e in entities if e.get("entity") != LANGUAGE_ENTITY]
                message.set(ENTITIES, kept, add_to_output=True)
            set_intent(message, OUT_OF_SCOPE)
            set_retrieval(message, MEDICINE)
        return messages
