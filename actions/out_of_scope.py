"""Out of scope, answered by kind: a medicine, a diagnosis, another business, chat,
anything else (the retrieval intent out_of_scope/<kind>).

A custom action rather than Rasa's retrieval action because the "Something else"
button of "Did you mean ...?" sends `/out_of_scope`: a button's message carries no
classifier output, and Rasa's retrieval action then says nothing. Here it gets the
general answer.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker import answer_retrieval_in

INTENT = "out_of_scope"
GENERAL = "utter_out_of_scope/general"


def answer_out_of_scope(
    message: Dict[str, Any], dispatcher: CollectingDispatcher
) -> None:
    """The answer for the kind the classifier chose, else the general one."""
    if not answer_retrieval_in(message, dispatcher, INTENT):
        dispatcher.utter_message(response=GENERAL)


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        answer_out_of_scope(tracker.latest_message or {}, dispatcher)
        return []
