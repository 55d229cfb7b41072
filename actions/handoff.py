"""A person from the clinic: record a callback request, then stay quiet.

"Talk to a person" works at any point, also inside a form. The request uses the name and
contact the conversation already has and asks only for what is missing (through
handoff_form). The reason stored is where the patient was in the conversation, never
their words. A number and a time in the message that asked ("call me after 2pm on 760
555 0100") are kept for staff (clinic/callback.py). Afterwards the conversation is
paused (Rasa's ConversationPaused): the assistant answers nothing until the patient
sends "restart".
"""

from __future__ import annotations

import hashlib
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.forms import ContactQuestions
from actions.tracker import channel, conversation_key, last_user_event
from clinic import callback, clock, facts
from clinic.booking.store import CallbackRequest, StoreUnavailable
from clinic.booking.validation import contact_from_slot
from clinic.review import ReviewInbox

FORM_REASONS = {
    "booking_form": "asked for a person while booking a consultation",
    "screening_form": "asked for a person during the health questions",
    "manage_form": "asked for a person about an existing booking",
}


AFTER_A_MISS = "asked for a person after the assistant did not understand"
CALL_BACK = "asked to be called back"


def handoff_reason(tracker: Tracker) -> str:
    """Where the patient was when they asked (no message text, no health details)."""
    handoff = last_user_event(tracker, "human_handoff")
    active, previous = None, None
    for event in tracker.events:
        if event is handoff:
            break
        if event.get("event") == "active_loop":
            active = event.get("name")
        elif event.get("event") == "user":
            previous = event
    if active in FORM_REASONS:
        return FORM_REASONS[active]
    parse = (previous or {}).get("parse_data") or {}
    name = (parse.get("intent") or {}).get("name")
    if name == "faq":
        key = (
            ((parse.get("response_selector") or {}).get("faq") or {}).get("response")
            or {}
        ).get("intent_response_key") or "faq"
        return f"asked for a person after a question about {key.split('/')[-1]}"
    if name == "nlu_fallback":
        return AFTER_A_MISS
    return "asked to talk to a person"


def call_details(tracker: Tracker) -> List[EventType]:
    """What the message that asked already gives: the number to call (kept like a
    booking's contact: normalised, masked when repeated) and when to call, in the
    clinic's time ("Tue 8 Dec, after 2:00 PM"), never the patient's words."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/"):  # a button
        return []
    events: List[EventType] = []
    phone = callback.phone_in(text)
    if phone and not tracker.get_slot("patient_contact"):
        events.append(SlotSet("patient_contact", phone.value))
    when = callback.call_when(text, clock.now(facts.time_zone()))
    if when:
        events.append(SlotSet("callback_time", when))
    return events


def request_key(tracker: Tracker) -> str:
    """Stable for one request: a retried action finds the same key."""
    event = last_user_event(tracker, "human_handoff") or last_user_event(tracker)
    raw = f"{tracker.sender_id}:{event.get('timestamp')}:callback"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reason: str = tracker.get_slot("handoff_reason") or handoff_reason(tracker)
        # after handoff_form, the latest message is its answer, not the request
        asked_now = tracker.latest_action_name != "handoff_form"
        details: List[EventType] = call_details(tracker) if asked_now else []
        if reason == AFTER_A_MISS:  # the missed message: the strongest review reason
            try:
                await services.call(
                    ReviewInbox(services.store()).mark_latest,
                    conversation_key(tracker),
                    "handoff_after_miss",
                )
            except StoreUnavailable:
                pass
        given = {e["name"]: e["value"] for e in details if isinstance(e, dict)}
        name = tracker.get_slot("patient_name")
        contact = given.get("patient_contact") or tracker.get_slot("patient_contact")
        call_at = given.get("callback_time", tracker.get_slot("callback_time")) or ""
        if not (name and contact):
            dispatcher.utter_message(response="utter_handoff_intro")
            return [
                *details,
                SlotSet("handoff_reason", reason),
                FollowupAction("handoff_form"),
            ]
        request = CallbackRequest(
            request_key=request_key(tracker),
            sender_key=conversation_key(tracker),
            channel=channel(tracker) or "unknown",
            name=name,
            contact=contact,
            reason=reason,
            call_when=call_at,
        )
        slots = facts.clinic_slots()
        try:
            record = await services.save_or_keep(request)
            shown = contact_from_slot(contact)
            dispatcher.utter_message(
                response="utter_handoff_done",
                reference=record.reference,
                contact=shown.masked() if shown else "",
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_handoff_kept", **slots)
        if call_at:
            dispatcher.utter_message(
                response="utter_handoff_call_time", callback_time=call_at
            )
        reply_time = facts.fact("reply_time")
        if reply_time:
            dispatcher.utter_message(response="utter_reply_time", reply_time=reply_time)
        else:
            dispatcher.utter_message(response="utter_reply_time_unknown")
        dispatcher.utter_message(response="utter_handoff_paused")
        # The listen marks the end of this turn, so a later "restart" (the one command
        # Rasa still acts on while paused) maps to action_restart.
        return [
            *details,
            SlotSet("handoff_reason", None),
            SlotSet("callback_time", None),
            ConversationPaused(),
            ActionExecuted("action_listen"),
        ]


class ValidateHandoffForm(ContactQuestions):
    def name(self) -> str:
        return "validate_handoff_form"
