"""FAQ glue: answer a topic picked from a button, and clarify unsure messages."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clarification import (
    candidate_options,
    consecutive_misses,
    topic_titles,
    valid_topic,
)

# After this many misunderstood messages in a row, offer the clinic team.
MISSES_BEFORE_HANDOFF = 2


class ActionAnswerChosenFaq(Action):
    """Answer the FAQ topic the user picked on a "Did you mean" or next-step button."""

    def name(self) -> Text:
        return "action_answer_chosen_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        topic = valid_topic(next(tracker.get_latest_entity_values("faq_topic"), None),
                            topic_titles())
        if topic is None:
            dispatcher.utter_message(response="utter_rephrase")
        else:
            dispatcher.utter_message(response=f"utter_faq/{topic}")
        return []


class ActionClarify(Action):
    """Ask "Did you mean ...?" instead of answering a question we may have misread."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        if consecutive_misses(tracker.events) >= MISSES_BEFORE_HANDOFF:
            dispatcher.utter_message(response="utter_offer_handoff")
            return []
        options = candidate_options(tracker.latest_message, topic_titles())
        if not options:
            dispatcher.utter_message(response="utter_rephrase")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[{"title": o.title, "payload": o.payload} for o in options],
        )
        return []
