""""Forget me" / "delete my data": after a confirmation, remove what the clinic holds
about this conversation.

The action deletes the sender's bookings and callback requests that staff have not
handled yet (handled ones are the clinic's records of care given). It then sets
`forget_me` to "confirmed"; the Rasa server's tracker store (stores/tracker_store.py)
sees that and deletes every stored event of the conversation instead of saving it.
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking.actions import store
from actions.booking.store import StoreUnavailable
from actions.privacy import pseudonym


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        try:
            removed = store().delete_open_for_sender(pseudonym(tracker.sender_id or ""))
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_forget_failed")
            return [SlotSet("forget_me", None)]
        dispatcher.utter_message(response="utter_forget_done", removed=removed)
        return [SlotSet("forget_me", "confirmed")]
