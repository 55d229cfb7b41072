"""FAQ glue: clarify messages the assistant is unsure about."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker import turn_message
from clinic.clarification import candidate_options, consecutive_misses, topic_questions

# After this many misunderstood messages in a row, offer the clinic team.
MISSES_BEFORE_HANDOFF = 2


class ActionClarify(Action):
    """Ask "Did you mean ...?" instead of answering a question we may have misread."""

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        if consecutive_misses(tracker.events) >= MISSES_BEFORE_HANDOFF:
            dispatcher.utter_message(response="utter_offer_handoff")
            return []
        # the latest message, or the one that raised the emergency net's question
        options = candidate_options(turn_message(tracker), topic_questions())
        if not options:
            dispatcher.utter_message(response="utter_rephrase")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[{"title": o.title, "payload": o.payload} for o in options],
        )
        return []
