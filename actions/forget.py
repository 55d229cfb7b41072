""" "Forget me" / "delete my data": after a confirmation, remove every copy the clinic's
systems hold of this conversation.

The action deletes the conversation's bookings (open, handled or cancelled), its
callback requests and its attempt counters in the database, and its requests still
waiting in the outbox. It then sets `forget_me` to "confirmed"; the Rasa server's
tracker store (stores/tracker_store.py) sees that and deletes every stored event of
the conversation, its copy in memory and its SMS state, instead of saving the turn.
SQLite files are opened with secure_delete, so deleted rows are overwritten.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.tracker import conversation_key
from clinic.booking import outbox
from clinic.booking.store import StoreUnavailable


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        key = conversation_key(tracker)
        try:
            removed = await services.call(services.store().delete_all_for_sender, key)
            removed += await services.call(outbox.forget, key)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_forget_failed")
            return [SlotSet("forget_me", None)]
        dispatcher.utter_message(response="utter_forget_done", removed=removed)
        return [SlotSet("forget_me", "confirmed")]
