""" "Forget me" / "delete my data": after a confirmation, remove what the clinic holds
about this conversation.

The action deletes the sender's bookings and callback requests that staff have not
handled yet (handled ones are the clinic's records of care given). It then sets
`forget_me` to "confirmed"; the Rasa server's tracker store (stores/tracker_store.py)
sees that and deletes every stored event of the conversation instead of saving it.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.tracker import conversation_key
from clinic.booking.store import StoreUnavailable


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        try:
            removed = await services.call(
                services.store().delete_open_for_sender, conversation_key(tracker)
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_forget_failed")
            return [SlotSet("forget_me", None)]
        dispatcher.utter_message(response="utter_forget_done", removed=removed)
        return [SlotSet("forget_me", "confirmed")]
