"""Cancel or move a booking by its reference, after checking the contact on file.

The reference and the contact are the only proof the assistant has, so they are
checked together and nothing is told apart: an unknown reference and a wrong contact
get the same answer, and the contact on file is never shown. Wrong pairs are counted
in the database per conversation and per reference (clinic/booking/store.py); after
MAX_FAILED_CHECKS the conversation or the reference is locked for a day and the
patient is offered the clinic team. On SMS, a booking made with the texting number is
recognised without asking for the contact. The change itself checks the pair again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import appointments, services
from actions.forms import (
    ClinicFormValidation,
    answered_yes,
    now_in_clinic,
    sms_sender_phone,
)
from actions.tracker import conversation_key, intent, user_text
from clinic import facts
from clinic.booking import slots
from clinic.booking.appointment_book import SlotTaken
from clinic.booking.store import NotFound, Record, StoreUnavailable, reference_in
from clinic.booking.validation import parse_contact
from clinic.booking.wording import when_text

MANAGE_SLOTS = (
    appointments.OFFERS_SLOT,
    appointments.SKIP_SLOT,
    "manage_reference",
    "manage_contact",
    "manage_time",
    "manage_confirm",
    "booking_misses",
    "booking_suggestion",
    "booking_day",
)
UNAVAILABLE = "unavailable"  # the database cannot be reached: the form ends
LOCKED = "locked"  # too many wrong pairs: the form ends, the clinic team is offered
LATE = "late"  # inside the late-cancellation window: the clinic team is offered
ENDED = (UNAVAILABLE, LOCKED, LATE)


def local(moment: Optional[datetime]) -> str:
    """A booked time in the clinic's time zone, as the patient reads it."""
    if moment is None:
        return ""
    return when_text(moment.astimezone(facts.time_zone()))


def too_late(record: Record) -> bool:
    """Whether a change now falls inside the clinic's late-cancellation window (only
    with the clinic's appointments in clinic.yml)."""
    book = services.appointment_book()
    if book is None or record.starts_at is None:
        return False
    return slots.within_late_cancel(
        record.starts_at, now_in_clinic(), book.availability
    )


def check_keys(tracker: Tracker, reference: Optional[str]) -> List[str]:
    """The counters a check is held against: this conversation, and the reference."""
    keys = [f"conversation:{conversation_key(tracker)}"]
    return keys + ([f"reference:{reference}"] if reference else [])


async def verified(
    reference: Optional[str], contact: Optional[str]
) -> Optional[Record]:
    if not reference or not contact:
        return None
    return await services.call(services.store().verified_booking, reference, contact)


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
        if tracker.get_slot("manage_reference") in ENDED:
            return []
        if tracker.get_slot("manage_action") == "cancel":
            return ["manage_reference", "manage_contact", "manage_confirm"]
        return ["manage_reference", "manage_contact", "manage_time", "manage_confirm"]

    @staticmethod
    def _unavailable(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        dispatcher.utter_message(response="utter_manage_unavailable")
        return {"manage_reference": UNAVAILABLE, "manage_contact": None}

    @staticmethod
    def _late(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        book = services.appointment_book()
        hours = (
            int(book.availability.late_cancel.total_seconds() // 3600) if book else 0
        )
        dispatcher.utter_message(response="utter_manage_late", hours=hours)
        return {"manage_reference": LATE, "manage_contact": None}

    @staticmethod
    def _locked(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        dispatcher.utter_message(response="utter_manage_locked")
        return {"manage_reference": LOCKED, "manage_contact": None}

    async def validate_manage_reference(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None or value in ENDED:
            return {}
        reference = reference_in(user_text(tracker)) or reference_in(str(value))
        if not reference:
            return self.count_miss(
                "manage_reference",
                tracker,
                dispatcher,
                "utter_invalid_manage_reference",
            )
        keys = check_keys(tracker, reference)
        try:
            if await services.call(services.store().is_locked, keys):
                return self._locked(dispatcher)
            # texting from the number on the booking: no need to ask for it
            texting = sms_sender_phone(tracker)
            record = await verified(reference, texting) if texting else None
            if record is not None and too_late(record):
                return self._late(dispatcher)
            if record is not None:
                return {
                    "manage_reference": reference,
                    "manage_contact": texting,
                    "booking_misses": 0,
                }
        except StoreUnavailable:
            return self._unavailable(dispatcher)
        return {"manage_reference": reference, "booking_misses": 0}

    async def validate_manage_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        reference = tracker.get_slot("manage_reference")
        if value is None or reference in (None, *ENDED):
            return {}
        contact = parse_contact(user_text(tracker)) or parse_contact(str(value))
        if contact is None:
            return self.count_miss(
                "manage_contact", tracker, dispatcher, "utter_invalid_patient_contact"
            )
        keys = check_keys(tracker, reference)
        try:
            record = await verified(reference, contact.value)
            if record is not None:
                await services.call(services.store().clear_failed_checks, keys[:1])
                if too_late(record):
                    return self._late(dispatcher)
                return {"manage_contact": contact.value, "booking_misses": 0}
            if await services.call(services.store().record_failed_check, keys):
                return self._locked(dispatcher)
        except StoreUnavailable:
            return self._unavailable(dispatcher)
        # the same answer whether the reference or the contact was wrong: ask both again
        dispatcher.utter_message(response="utter_manage_no_match")
        return {"manage_reference": None, "manage_contact": None}

    async def validate_manage_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        book = services.appointment_book()
        if book is not None:
            try:
                record = await verified(
                    tracker.get_slot("manage_reference"),
                    tracker.get_slot("manage_contact"),
                )
                if record is not None:
                    result = await appointments.read_time(
                        book,
                        record.mode,
                        "manage_time",
                        user_text(tracker),
                        tracker,
                        dispatcher,
                        now_in_clinic(),
                        None,
                    )
                    if result is None:
                        return self.count_miss(
                            "manage_time",
                            tracker,
                            dispatcher,
                            "utter_invalid_booking_time",
                        )
                    return result
            except StoreUnavailable:
                return self._unavailable(dispatcher)
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
            record = await verified(reference, tracker.get_slot("manage_contact"))
        except StoreUnavailable:
            record = None
        if record is None:
            dispatcher.utter_message(response="utter_manage_unavailable")
            return [
                SlotSet("manage_reference", UNAVAILABLE),
                SlotSet("manage_confirm", "no"),
            ]
        if tracker.get_slot("manage_action") == "cancel":
            dispatcher.utter_message(
                response="utter_ask_manage_confirm_cancel",
                reference=reference,
                when=local(record.starts_at),
            )
        else:
            new = local(datetime.fromisoformat(tracker.get_slot("manage_time")))
            dispatcher.utter_message(
                response="utter_ask_manage_confirm_move",
                reference=reference,
                when=local(record.starts_at),
                new=new,
            )
        return []


class ActionManageFinish(Action):
    """The change, after the confirmation, and only for a pair that checks out again:
    a call that skipped the questions changes nothing."""

    def name(self) -> str:
        return "action_manage_finish"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference = tracker.get_slot("manage_reference")
        reset = [SlotSet(slot, None) for slot in (*MANAGE_SLOTS, "manage_action")]
        if reference in (*ENDED, None):
            return reset
        if tracker.get_slot("manage_confirm") != "yes":
            dispatcher.utter_message(
                response="utter_manage_unchanged", reference=reference
            )
            return reset
        store = services.store()
        try:
            if await verified(reference, tracker.get_slot("manage_contact")) is None:
                dispatcher.utter_message(response="utter_manage_no_match")
                return reset
            if tracker.get_slot("manage_action") == "cancel":
                await services.call(store.cancel_booking, reference)
                dispatcher.utter_message(
                    response="utter_manage_cancelled", reference=reference
                )
            else:
                new_time = datetime.fromisoformat(tracker.get_slot("manage_time"))
                book = services.appointment_book()
                if book is None:
                    record = await services.call(
                        store.reschedule_booking,
                        reference,
                        new_time,
                        time_confirmed=facts.opening_hours().configured,
                    )
                else:
                    record = await services.call(
                        book.move,
                        reference,
                        conversation_key(tracker),
                        new_time,
                        now_in_clinic(),
                    )
                dispatcher.utter_message(
                    response="utter_manage_moved",
                    reference=reference,
                    when=local(record.starts_at),
                )
        except SlotTaken:
            dispatcher.utter_message(response="utter_manage_time_taken")
            return [
                SlotSet("manage_time", None),
                SlotSet("manage_confirm", None),
                FollowupAction("manage_form"),
            ]
        except (NotFound, LookupError):
            dispatcher.utter_message(response="utter_manage_no_match")
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_manage_unavailable")
        return reset


class ActionAskManageTime(Action):
    """The open times for the booking's kind of consultation, as for a new booking
    (or, without the clinic's appointments, the question for a preferred time)."""

    def name(self) -> str:
        return "action_ask_manage_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        book = services.appointment_book()
        if book is not None:
            try:
                record = await verified(
                    tracker.get_slot("manage_reference"),
                    tracker.get_slot("manage_contact"),
                )
                if record is not None:
                    return await appointments.offer(
                        book,
                        record.mode,
                        tracker,
                        dispatcher,
                        domain,
                        now_in_clinic(),
                        response="utter_ask_manage_time_open",
                    )
            except StoreUnavailable:
                pass
        dispatcher.utter_message(response="utter_ask_manage_time")
        return []
