"""Cancel or move a booking by its reference, after checking the contact on file.

The contact is the only proof of identity the assistant has: it never reveals the one
on file, and after two wrong attempts it points to the clinic team instead. On SMS a
booking made with the sender's own number is recognised without asking.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinic
from actions.booking.actions import store
from actions.booking.forms import answered_yes, check_time, count_miss, sms_sender_phone
from actions.booking.store import NotFound, Record, StoreUnavailable, normalise_reference
from actions.booking.validation import parse_contact, same_contact
from actions.booking.wording import spoken_time
from actions.dialogue import intent, user_text

REFERENCE = re.compile(r"\bRV[\s-]?[A-Z0-9]{4}\b", re.IGNORECASE)
MANAGE_SLOTS = ("manage_reference", "manage_contact", "manage_time", "manage_confirm",
                "booking_misses", "booking_suggestion", "booking_day")
UNAVAILABLE = "unavailable"


def reference_in(text: str) -> Optional[str]:
    match = REFERENCE.search(text or "")
    return normalise_reference(match.group(0)) if match else None


def local(moment: datetime) -> str:
    moment = moment.astimezone(clinic.time_zone())
    return f"{spoken_time(moment)} ({moment.tzname()})"


class ActionManageStart(Action):
    def name(self) -> Text:
        return "action_manage_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        action = "cancel" if intent(tracker) == "cancel_booking" else "reschedule"
        reference = reference_in(user_text(tracker))
        return [*[SlotSet(slot, None) for slot in MANAGE_SLOTS],
                SlotSet("manage_action", action),
                SlotSet("manage_reference", reference),
                FollowupAction("manage_form")]


class ValidateManageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_manage_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("manage_reference") == UNAVAILABLE:
            return []
        if tracker.get_slot("manage_action") == "cancel":
            return ["manage_reference", "manage_contact", "manage_confirm"]
        return ["manage_reference", "manage_contact", "manage_time", "manage_confirm"]

    def _booking(self, reference: Optional[str]) -> Optional[Record]:
        record = store().find_booking(reference) if reference else None
        return record if record and record.status == "open" else None

    def validate_manage_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        reference = reference_in(user_text(tracker)) or reference_in(str(value))
        if not reference:
            return count_miss("manage_reference", tracker, dispatcher,
                              "utter_invalid_manage_reference")
        try:
            record = self._booking(reference)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
            return {"manage_reference": UNAVAILABLE}
        if record is None:
            return count_miss("manage_reference", tracker, dispatcher,
                              "utter_manage_not_found", reference=reference)
        result = {"manage_reference": reference, "booking_misses": 0}
        if same_contact(sms_sender_phone(tracker), record.contact):
            result["manage_contact"] = record.contact  # texting from the number on file
        return result

    def validate_manage_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        if tracker.get_slot("manage_reference") in (None, UNAVAILABLE):
            return {}
        contact = parse_contact(user_text(tracker))
        try:
            record = self._booking(tracker.get_slot("manage_reference"))
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
            return {"manage_reference": UNAVAILABLE, "manage_contact": None}
        if contact and record and same_contact(contact.value, record.contact):
            return {"manage_contact": contact.value, "booking_misses": 0}
        return count_miss("manage_contact", tracker, dispatcher, "utter_manage_contact_mismatch")

    def validate_manage_time(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        return check_time("manage_time", tracker, dispatcher)

    def validate_manage_confirm(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        yes = answered_yes(tracker)
        if yes is None:
            dispatcher.utter_message(response="utter_manage_confirm_unclear")
            return {"manage_confirm": None}
        return {"manage_confirm": "yes" if yes else "no"}


class ActionAskManageConfirm(Action):
    def name(self) -> Text:
        return "action_ask_manage_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reference = tracker.get_slot("manage_reference")
        try:
            record = store().find_booking(reference)
        except StoreUnavailable:
            record = None
        when = local(record.starts_at) if record else "the booked time"
        buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
        if tracker.get_slot("manage_action") == "cancel":
            dispatcher.utter_message(response="utter_ask_manage_confirm_cancel",
                                     reference=reference, when=when, buttons=buttons)
        else:
            new = local(datetime.fromisoformat(tracker.get_slot("manage_time")))
            dispatcher.utter_message(response="utter_ask_manage_confirm_move",
                                     reference=reference, when=when, new=new, buttons=buttons)
        return []


class ActionManageFinish(Action):
    def name(self) -> Text:
        return "action_manage_finish"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reference = tracker.get_slot("manage_reference")
        reset = [SlotSet(slot, None) for slot in (*MANAGE_SLOTS, "manage_action")]
        if reference == UNAVAILABLE:
            return reset
        if tracker.get_slot("manage_confirm") != "yes":
            dispatcher.utter_message(response="utter_manage_unchanged", reference=reference)
            return reset
        try:
            if tracker.get_slot("manage_action") == "cancel":
                store().cancel_booking(reference)
                dispatcher.utter_message(response="utter_manage_cancelled", reference=reference)
            else:
                record = store().reschedule_booking(
                    reference, datetime.fromisoformat(tracker.get_slot("manage_time")),
                    time_confirmed=clinic.opening_hours().configured)
                dispatcher.utter_message(response="utter_manage_moved", reference=reference,
                                         when=local(record.starts_at))
        except NotFound:
            dispatcher.utter_message(response="utter_manage_not_found", reference=reference)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
        return reset
