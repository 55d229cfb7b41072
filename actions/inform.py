"""Details given when the assistant asked for none: never "I haven't asked".

Outside a form, a message the classifier reads as `inform` is most often a request in
few words: "ring me back after 3", "call me after 2pm on 760 555 0100", or a bare
number. A call-back request is a hand-off (action_handoff keeps the number and the
time for staff); a bare number or e-mail is kept and the patient is asked what it is
for; anything else gets "Did you mean ...?" with the requests the classifier found
likely (action_clarify).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import CALL_BACK
from clinic import callback
from clinic.booking.validation import parse_email


class ActionInformOutside(Action):
    def name(self) -> str:
        return "action_inform_outside"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if callback.asks_for_call(text):
            return [
                SlotSet("handoff_reason", CALL_BACK),
                FollowupAction("action_handoff"),
            ]
        contact = callback.phone_in(text) or parse_email(text)
        if contact:
            dispatcher.utter_message(response="utter_contact_for_what")
            return [SlotSet("patient_contact", contact.value)]
        return [FollowupAction("action_clarify")]
