"""Cancel or move a booking by its reference, after checking the contact on file.

The contact is the only proof of identity the assistant has: it never reveals the one
on file, and after two wrong attempts it points to the clinic team instead. On SMS a
booking made with the sender's own number is recognised without asking.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.forms import ClinicFormValidation, answered_yes, sms_sender_phone
from actions.tracker import intent, user_text
from clinic import facts
from clinic.booking.store import NotFound, Record, StoreUnavailable, normalise_reference
from clinic.booking.validation import parse_contact, same_contact
from clinic.booking.wording import when_text

REFERENCE = re.compile(r"\bRV[\s-]?[A-Z0-9]{4}\b", re.IGNORECASE)
MANAGE_SLOTS = (
    "manage_reference",
    "manage_contact",
    "manage_time",
    "manage_confirm",
    "booking_misses",
    "booking_suggestion",
    "booking_day",
)
UNAVAILABLE = "unavailable"


def reference_in(text: str) -> Optional[str]:
    match = REFERENCE.search(text or "")
    return normalise_reference(match.group(0)) if match else None


def local(moment: Optional[datetime]) -> str:
    """A booked time in the clinic's time zone, as the patient reads it."""
    if moment is None:
        return "the booked time"
    return when_text(moment.astimezone(facts.time_zone()))


class ActionManageStart(Action):
    def name(self) -> str:
        return "action_manage_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        action = "cancel" if intent(tracker) == "cancel_booking" else "reschedule"
        reference = reference_in(user_text(tracker))
        return [
            *[SlotSet(slot, None) for slot in MANAGE_SLOTS],
            SlotSet("manage_action", action),
            SlotSet("manage_reference", reference),
            FollowupAction("manage_form"),
        ]


class ValidateManageForm(ClinicFormValidation):
    def name(self) -> str:
        return "validate_manage_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot("manage_reference") == UNAVAILABLE:
            return []
        if tracker.get_slot("manage_action") == "cancel":
            return ["manage_reference", "manage_contact", "manage_confirm"]
        return ["manage_reference", "manage_contact", "manage_time", "manage_confirm"]

    async def _booking(self, reference: Optional[str]) -> Optional[Record]:
        if not reference:
            return None
        record = await services.call(services.store().find_booking, reference)
        return record if record and record.status == "open" else None

    async def validate_manage_reference(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        reference = reference_in(user_text(tracker)) or reference_in(str(value))
        if not reference:
            return self.count_miss(
                "manage_reference",
                tracker,
                dispatcher,
                "utter_invalid_manage_reference",
            )
        try:
            record = await self._booking(reference)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
            return {"manage_reference": UNAVAILABLE}
        if record is None:
            return self.count_miss(
                "manage_reference",
                tracker,
                dispatcher,
                "utter_manage_not_found",
                reference=reference,
            )
        result = {"manage_reference": reference, "booking_misses": 0}
        if same_contact(sms_sender_phone(tracker), record.contact):
            result["manage_contact"] = record.contact  # texting from the number on file
        return result

    async def validate_manage_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        if tracker.get_slot("manage_reference") in (None, UNAVAILABLE):
            return {}
        contact = parse_contact(user_text(tracker))
        try:
            record = await self._booking(tracker.get_slot("manage_reference"))
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
            return {"manage_reference": UNAVAILABLE, "manage_contact": None}
        if contact and record and same_contact(contact.value, record.contact):
            return {"manage_contact": contact.value, "booking_misses": 0}
        return self.count_miss(
            "manage_contact", tracker, dispatcher, "utter_manage_contact_mismatch"
        )

    def validate_manage_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        return self.time_answer("manage_time", tracker, dispatcher)

    def validate_manage_confirm(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        yes = answered_yes(tracker)
        if yes is None:
            dispatcher.utter_message(response="utter_manage_confirm_unclear")
            return {"manage_confirm": None}
        return {"manage_confirm": "yes" if yes else "no"}


class ActionAskManageConfirm(Action):
    def name(self) -> str:
        return "action_ask_manage_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("manage_reference")
        try:
            record = await services.call(services.store().find_booking, reference)
        except StoreUnavailable:
            record = None
        when = local(record.starts_at if record else None)
        buttons = [
            {"title": "Yes", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"},
        ]
        if tracker.get_slot("manage_action") == "cancel":
            dispatcher.utter_message(
                response="utter_ask_manage_confirm_cancel",
                reference=reference,
                when=when,
                buttons=buttons,
            )
        else:
            new = local(datetime.fromisoformat(tracker.get_slot("manage_time")))
            dispatcher.utter_message(
                response="utter_ask_manage_confirm_move",
                reference=reference,
                when=when,
                new=new,
                buttons=buttons,
            )
        return []


class ActionManageFinish(Action):
    def name(self) -> str:
        return "action_manage_finish"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("manage_reference")
        reset = [SlotSet(slot, None) for slot in (*MANAGE_SLOTS, "manage_action")]
        if reference == UNAVAILABLE:
            return reset
        if tracker.get_slot("manage_confirm") != "yes":
            dispatcher.utter_message(
                response="utter_manage_unchanged", reference=reference
            )
            return reset
        try:
            if tracker.get_slot("manage_action") == "cancel":
                await services.call(services.store().cancel_booking, reference)
                dispatcher.utter_message(
                    response="utter_manage_cancelled", reference=reference
                )
            else:
                record = await services.call(
                    services.store().reschedule_booking,
                    reference,
                    datetime.fromisoformat(tracker.get_slot("manage_time")),
                    time_confirmed=facts.opening_hours().configured,
                )
                dispatcher.utter_message(
                    response="utter_manage_moved",
                    reference=reference,
                    when=local(record.starts_at),
                )
        except NotFound:
            dispatcher.utter_message(
                response="utter_manage_not_found", reference=reference
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
        return reset
