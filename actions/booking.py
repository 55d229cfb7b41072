"""Rasa glue for booking the free consultation: start, the form's questions, save.

Saving goes through services.save_or_keep: the database first (idempotent on the
request key, so a retried action or a repeated "yes" never books twice); if the
database is down or hangs, the request is kept on disk, the patient is told it is not
saved yet and offered a retry, and it is written as soon as the database is back.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import appointments, services
from actions.forms import (
    ContactQuestions,
    answered_yes,
    now_in_clinic,
    sms_sender_phone,
    wants_phone_only,
)
from actions.tracker import (
    channel,
    conversation_key,
    entity_value,
    health_memory,
    intent,
    user_text,
)
from clinic import facts
from clinic.answers import NO, answer
from clinic.booking import outbox
from clinic.booking.appointment_book import SlotTaken
from clinic.booking.store import BookingRequest, StoreUnavailable
from clinic.booking.timeparse import parse_when
from clinic.booking.validation import contact_from_slot, parse_contact, parse_mode
from clinic.booking.wording import consultation_kind, shown_contact, when_text
from clinic.screening.findings import Findings, most_careful

# Slots of one booking attempt (the patient's name and contact are kept for later).
ATTEMPT_SLOTS = (
    appointments.OFFERS_SLOT,
    appointments.SKIP_SLOT,
    "booking_mode",
    "booking_time",
    "booking_confirm",
    "booking_editing",
    "booking_day",
    "booking_suggestion",
    "booking_misses",
    "booking_pending",
)
MODES = ("online", "phone", "in_person")  # booking_mode's values
CONTAGIOUS = "infection"  # someone contagious is offered online or phone, not in person
# What the patient may change at the summary (the slot to ask again), and the words
# that name it when typed ("the time", "wrong number"); the buttons carry the slot's
# name (domain: utter_ask_booking_change). Whole words only: "today" is no "day".
CHANGE_WORDS = {
    "patient_name": ("name",),
    "patient_contact": ("contact", "number", "phone", "email", "e-mail", "mobile"),
    "booking_mode": ("type", "mode", "online", "in person", "by phone", "how"),
    "booking_time": ("time", "day", "date", "when", "hour"),
}


def named_detail(text: str) -> Optional[str]:
    """The booking detail a typed answer names, by whole words, or None."""
    for slot, words in CHANGE_WORDS.items():
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return slot
    return None


class ActionBookingStart(Action):
    """Open a new booking attempt (after the screen) and hand over to booking_form."""

    def name(self) -> str:
        return "action_booking_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        outcome = effective_outcome(tracker)
        if outcome == "urgent":
            dispatcher.utter_message(response="utter_urgent_no_booking")
            return []
        dispatcher.utter_message(
            response="utter_booking_intro_physio"
            if outcome == "doctor_first"
            else "utter_booking_intro"
        )
        return [
            SlotSet("booking_request", uuid.uuid4().hex),
            *[SlotSet(slot, None) for slot in ATTEMPT_SLOTS],
            FollowupAction("booking_form"),
        ]


def effective_outcome(tracker: Tracker, memory: Optional[Findings] = None) -> str:
    """The screen's outcome, with what the patient said since (or before) it: a
    condition named after a clear screen makes it doctor_first."""
    memory = memory or health_memory(tracker)
    return most_careful(tracker.get_slot("screen_outcome"), memory.outcome)


def times_are_real() -> bool:
    """Whether a booked time is the clinic's own (open times from clinic.yml's
    `appointments`, or its opening hours) rather than a request staff confirm."""
    return services.appointment_book() is not None or facts.opening_hours().configured


def booking_request(tracker: Tracker) -> BookingRequest:
    """The booking as the store keeps it; a doctor-first booking carries the flagged
    condition ids (ids only) for the physical therapist."""
    memory = health_memory(tracker)
    with_physio = effective_outcome(tracker, memory) == "doctor_first"
    flagged = memory.flagged
    return BookingRequest(
        request_key=tracker.get_slot("booking_request"),
        sender_key=conversation_key(tracker),
        channel=channel(tracker) or "unknown",
        name=tracker.get_slot("patient_name"),
        contact=tracker.get_slot("patient_contact"),
        mode=tracker.get_slot("booking_mode"),
        starts_at=datetime.fromisoformat(tracker.get_slot("booking_time")),
        time_confirmed=times_are_real(),
        with_physio=with_physio,
        condition_ids=sorted(flagged) if with_physio else [],
    )


class ActionBookingSave(Action):
    def name(self) -> str:
        return "action_booking_save"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("booking_confirm") != "yes" or not tracker.get_slot(
            "booking_request"
        ):
            dispatcher.utter_message(response="utter_booking_nothing_to_save")
            return [SlotSet("booking_pending", None)]
        request = booking_request(tracker)
        book = services.appointment_book()
        try:
            if book is None:
                record = await services.save_or_keep(request)
            else:
                # requests kept while the database was down go first, through the book
                await services.call(outbox.flush, book.store, None, book)
                record = await services.call(
                    book.book, request, conversation_key(tracker), now_in_clinic()
                )
                await asyncio.to_thread(outbox.drop, request.request_key)
        except SlotTaken:
            await asyncio.to_thread(outbox.drop, request.request_key)
            dispatcher.utter_message(response="utter_booking_time_taken_at_save")
            return [
                SlotSet("booking_time", None),
                SlotSet("booking_confirm", None),
                FollowupAction("booking_form"),
            ]
        except StoreUnavailable:
            if book is not None:  # kept as a request the clinic team confirms
                await asyncio.to_thread(
                    outbox.keep, replace(request, time_confirmed=False)
                )
            dispatcher.utter_message(response="utter_booking_not_saved_yet")
            return [SlotSet("booking_pending", True)]
        local = (record.starts_at or request.starts_at).astimezone(facts.time_zone())
        dispatcher.utter_message(
            response="utter_booking_saved"
            if record.time_confirmed
            else "utter_booking_saved_to_confirm",
            reference=record.reference,
            what=consultation_kind(record.mode, record.with_physio),
            when=when_text(local),
        )
        return [
            SlotSet("booking_reference", record.reference),
            SlotSet("booking_request", None),
            *[SlotSet(slot, None) for slot in ATTEMPT_SLOTS],
        ]


class ActionBookingLater(Action):
    """The patient declines an immediate retry: the kept request is still saved
    later."""

    def name(self) -> str:
        return "action_booking_later"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_booking_kept")
        return [SlotSet("booking_pending", None)]


class ValidateBookingForm(ContactQuestions):
    def name(self) -> str:
        return "validate_booking_form"

    def validate_booking_mode(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        button = entity_value(tracker, "mode")  # a button carries the mode itself
        mode = button if button in MODES else parse_mode(user_text(tracker))
        if mode == "in_person" and CONTAGIOUS in health_memory(tracker).flagged:
            dispatcher.utter_message(response="utter_ask_booking_mode_contagious")
            return {"booking_mode": None}
        if mode:
            return {"booking_mode": mode, "booking_misses": 0}
        return self.count_miss(
            "booking_mode", tracker, dispatcher, "utter_invalid_booking_mode"
        )

    async def validate_booking_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        result = await self._open_time(tracker, dispatcher)
        if result is not None:
            return result
        return self.time_answer("booking_time", tracker, dispatcher)

    async def _open_time(
        self, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Optional[Dict[str, Any]]:
        """The answer read against the clinic's open times (None without them, or
        while the database cannot say which are open: then a requested time)."""
        book = services.appointment_book()
        mode = tracker.get_slot("booking_mode")
        if book is None or not mode:
            return None
        default_day = tracker.get_slot("booking_day")
        try:
            result = await appointments.read_time(
                book,
                mode,
                "booking_time",
                user_text(tracker),
                tracker,
                dispatcher,
                now_in_clinic(),
                date.fromisoformat(default_day) if default_day else None,
            )
        except StoreUnavailable:
            return None
        if result is None:
            return self.count_miss(
                "booking_time", tracker, dispatcher, "utter_invalid_booking_time"
            )
        return {**result, "booking_misses": 0} if result["booking_time"] else result

    async def validate_booking_confirm(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        text = user_text(tracker).lower()
        if tracker.get_slot("booking_editing"):
            return self._change(text, tracker, dispatcher)
        yes = answered_yes(tracker)
        if yes:
            return {"booking_confirm": "yes"}
        if yes is False or re.search(r"\b(change|wrong|edit|fix)", text):
            return {"booking_confirm": None, "booking_editing": True}
        # "make it Wednesday at 10 instead": a new time straight away
        choice = parse_when(text, now_in_clinic(), facts.opening_hours())
        if choice.status != "unparsed":
            opened = await self._open_time(tracker, dispatcher)  # the open times
            if opened is not None:
                return {**opened, "booking_confirm": None}
            return {
                **self.time_result("booking_time", choice, tracker, dispatcher),
                "booking_confirm": None,
            }
        dispatcher.utter_message(response="utter_booking_confirm_unclear")
        return {"booking_confirm": None}

    def _change(
        self, text: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Dict[str, Any]:
        """The answer to "What would you like to change?": forget that detail so the
        form asks for it again, then shows the summary again."""
        slot = entity_value(tracker, "booking_detail") or named_detail(text)
        if slot in CHANGE_WORDS:
            return {slot: None, "booking_editing": False, "booking_confirm": None}
        contact = parse_contact(text)
        if contact:
            return {
                "patient_contact": contact.value,
                "booking_editing": False,
                "booking_confirm": None,
            }
        if answer(text, intent(tracker)) == NO:  # nothing to change after all
            return {"booking_editing": False, "booking_confirm": None}
        dispatcher.utter_message(response="utter_booking_change_unclear")
        return {"booking_confirm": None}


class ActionAskPatientName(Action):
    def name(self) -> str:
        return "action_ask_patient_name"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        for_callback = tracker.active_loop.get("name") == "handoff_form"
        dispatcher.utter_message(
            response="utter_ask_patient_name_callback"
            if for_callback
            else "utter_ask_patient_name"
        )
        return []


class ActionAskPatientContact(Action):
    """On SMS, offer the number the patient is texting from; for a phone consultation,
    ask for a phone number only."""

    def name(self) -> str:
        return "action_ask_patient_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        sender_phone = sms_sender_phone(tracker)
        if sender_phone:
            contact = contact_from_slot(sender_phone)
            dispatcher.utter_message(
                response="utter_ask_patient_contact_sms",
                ending=contact.value[-4:] if contact else "",
            )
        elif wants_phone_only(tracker):
            dispatcher.utter_message(response="utter_ask_patient_contact_phone")
        else:
            dispatcher.utter_message(response="utter_ask_patient_contact")
        return []


class ActionAskBookingConfirm(Action):
    """The summary and an explicit yes before anything is saved (or, after a no,
    the question of what to change)."""

    def name(self) -> str:
        return "action_ask_booking_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("booking_editing"):
            dispatcher.utter_message(response="utter_ask_booking_change")
            return []
        starts_at = datetime.fromisoformat(tracker.get_slot("booking_time")).astimezone(
            facts.time_zone()
        )
        confirmed = times_are_real()
        dispatcher.utter_message(
            response="utter_ask_booking_confirm"
            if confirmed
            else "utter_ask_booking_confirm_requested_time",
            contact_shown=shown_contact(tracker.get_slot("patient_contact")),
            what=consultation_kind(
                tracker.get_slot("booking_mode"),
                effective_outcome(tracker) == "doctor_first",
            ),
            when=when_text(starts_at),
        )
        return []


class ActionAskBookingTime(Action):
    """The open times as buttons (numbered on SMS), or, without the clinic's
    appointments (or while the database cannot say), the question for a preferred
    time that the clinic team confirms."""

    def name(self) -> str:
        return "action_ask_booking_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        book = services.appointment_book()
        mode = tracker.get_slot("booking_mode")
        if book is not None and mode:
            try:
                return await appointments.offer(
                    book, mode, tracker, dispatcher, domain, now_in_clinic()
                )
            except StoreUnavailable:
                pass
        dispatcher.utter_message(response="utter_ask_booking_time")
        return []
