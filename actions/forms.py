"""What every form validator of the clinic shares: a base class and the shared
questions.

`ClinicFormValidation` is the base of the booking, callback and booking-change
validators. It answers a FAQ asked in the middle of a form (the question then
repeats), counts unusable answers in `booking_misses` (the first gets a short reason,
the second the expected format and a way out) and lets "continue" simply ask again.
`ContactQuestions` holds the name and contact checks that the booking and the callback
forms both ask; `time_answer` reads a preferred day and time for booking and moving.
Every word the patient reads is a response in the domain.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import date, datetime
from typing import Any, Dict, List, Optional

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.screening import labels
from actions.tracker import (
    SMS_CHANNEL,
    answer_faq_if_asked,
    channel,
    health_memories,
    intent,
    read_answer,
    user_text,
)
from clinic import clock as clinic_clock
from clinic import facts
from clinic.answers import goes_on
from clinic.booking.timeparse import HORIZON_DAYS, TimeChoice, parse_when
from clinic.booking.validation import (
    clean_name,
    looks_like_contact_attempt,
    parse_contact,
    parse_phone,
)
from clinic.booking.wording import spoken_day, spoken_time
from clinic.hours import UNKNOWN_WINDOW, clock
from clinic.screening.memory import new_flags
from clinic.screening.rules import reason_lines

MAX_MISSES = 2
MISSES_SLOT = "booking_misses"


def now_in_clinic() -> datetime:
    return clinic_clock.now(facts.time_zone())


def answered_yes(tracker: Tracker) -> Optional[bool]:
    """Yes/no, also in longer words ("yes, book it", "no thanks"); None if neither,
    "not sure" included."""
    return {"yes": True, "no": False}.get(read_answer(tracker) or "")


def sms_sender_phone(tracker: Tracker) -> Optional[str]:
    """On SMS the channel passes the patient's number in the message metadata; it is
    offered as the default contact."""
    if channel(tracker) != SMS_CHANNEL:
        return None
    number = (tracker.latest_message.get("metadata") or {}).get("sms_from") or ""
    contact = parse_phone(str(number))
    return contact.value if contact else None


class ClinicFormValidation(FormValidationAction):
    """Base of the clinic's form validators (name() is each form's own)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Validate the answer; an answer that names a condition on the clinic's list
        ("Jane, and I'm pregnant") gets the doctor-first guidance, the condition is
        remembered, and the question is asked again."""
        events = await super().run(dispatcher, tracker, domain)
        before, memory = health_memories(tracker)
        new = new_flags(before, memory)
        requested = tracker.get_slot("requested_slot")
        if not new or not requested:
            return events
        dispatcher.utter_message(
            response="utter_health_noted_in_form",
            conditions=labels(new),
            reasons=reason_lines(new),
        )
        extra: List[EventType] = [
            SlotSet("health_conditions", sorted(memory.flagged)),
            SlotSet(requested, None),
        ]
        if tracker.get_slot("screen_outcome") == "clear":
            extra.append(SlotSet("screen_outcome", "doctor_first"))
        return [*events, *extra]

    @abstractmethod
    def name(self) -> str:
        """Each form's validator names itself (abstract: rasa-sdk skips this base)."""

    def count_miss(
        self,
        slot: str,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        first_response: str,
        **template: Any,
    ) -> Dict[str, Any]:
        """An unusable answer: say why, and after MAX_MISSES explain the format and the
        ways out (carry on, stop, or a person)."""
        if answer_faq_if_asked(tracker, dispatcher):
            return {slot: None}
        if goes_on(user_text(tracker), intent(tracker)):
            return {slot: None}  # "continue" after the help text: just ask again
        misses = int(tracker.get_slot(MISSES_SLOT) or 0) + 1
        if misses >= MAX_MISSES:
            dispatcher.utter_message(response=f"utter_help_{slot}")
            return {slot: None, MISSES_SLOT: 0}
        dispatcher.utter_message(response=first_response, **template)
        return {slot: None, MISSES_SLOT: misses}

    def time_answer(
        self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Dict[str, Any]:
        """A preferred day and time for `slot` (booking_time or manage_time)."""
        suggestion = tracker.get_slot("booking_suggestion")
        if suggestion and answered_yes(tracker):
            return {
                slot: suggestion,
                "booking_suggestion": None,
                "booking_day": None,
                MISSES_SLOT: 0,
            }
        default_day = tracker.get_slot("booking_day")
        choice = parse_when(
            user_text(tracker),
            now_in_clinic(),
            facts.opening_hours(),
            date.fromisoformat(default_day) if default_day else None,
        )
        return self.time_result(slot, choice, tracker, dispatcher)

    def time_result(
        self,
        slot: str,
        choice: TimeChoice,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
    ) -> Dict[str, Any]:
        """Accept the time, or say why not and offer the nearest time the clinic can."""
        hours = facts.opening_hours()
        if choice.status == "ok" and choice.when is not None:
            return {
                slot: choice.when.isoformat(),
                "booking_day": None,
                "booking_suggestion": None,
                MISSES_SLOT: 0,
            }
        if choice.status == "need_time":
            if choice.day is None:
                dispatcher.utter_message(response="utter_booking_need_day")
                return {slot: None}
            dispatcher.utter_message(
                response="utter_booking_need_time"
                if not hours.configured
                else "utter_booking_need_time_hours",
                day=spoken_day(choice.day),
                hours=hours.describe_day(choice.day),
            )
            return {slot: None, "booking_day": choice.day.isoformat()}
        if choice.status == "unparsed":
            result = self.count_miss(
                slot, tracker, dispatcher, "utter_invalid_booking_time"
            )
            return {**result, "booking_suggestion": None}
        self._say_why_not(choice, dispatcher)
        offer = choice.suggestion
        if offer:
            dispatcher.utter_message(
                response="utter_booking_offer_time", time=spoken_time(offer)
            )
        else:
            dispatcher.utter_message(response="utter_booking_ask_other_time")
        return {
            slot: None,
            "booking_suggestion": offer.isoformat() if offer else None,
            "booking_day": None,
        }

    @staticmethod
    def _say_why_not(choice: TimeChoice, dispatcher: CollectingDispatcher) -> None:
        hours = facts.opening_hours()
        if choice.status == "closed":
            day = choice.day or (choice.when.date() if choice.when else None)
            if hours.configured and day:
                dispatcher.utter_message(
                    response="utter_booking_time_closed", hours=hours.describe_day(day)
                )
            else:
                start, end = UNKNOWN_WINDOW
                dispatcher.utter_message(
                    response="utter_booking_time_outside_window",
                    start=clock(start),
                    end=clock(end),
                )
        elif choice.status == "past":
            dispatcher.utter_message(response="utter_booking_time_past")
        elif choice.status == "too_soon":
            dispatcher.utter_message(response="utter_booking_time_too_soon")
        else:  # too_far
            dispatcher.utter_message(
                response="utter_booking_time_too_far", days=HORIZON_DAYS
            )


class ContactQuestions(ClinicFormValidation):
    """Name and contact checks, shared by the booking and the callback forms."""

    def validate_patient_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        text = user_text(tracker)
        name = clean_name(text)
        confident_faq = (
            intent(tracker) == "faq"
            and len(text.split()) >= 3
            and (tracker.latest_message.get("intent") or {}).get("confidence", 0) >= 0.9
        )
        if name and not confident_faq:
            return {"patient_name": name, MISSES_SLOT: 0}
        return self.count_miss(
            "patient_name", tracker, dispatcher, "utter_invalid_patient_name"
        )

    def validate_patient_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        kept = parse_contact(str(value))
        if (
            value == tracker.get_slot("patient_contact")
            and kept
            and kept.value == value
        ):
            # kept from earlier ("760 555 0100" sent before anything was asked): the
            # form checks it when it starts, against a message that is not a contact
            return {"patient_contact": value}
        text = user_text(tracker)
        sender_phone = sms_sender_phone(tracker)
        if sender_phone and answered_yes(tracker):  # "yes", or its button by digit
            return {"patient_contact": sender_phone, MISSES_SLOT: 0}
        phone_only = wants_phone_only(tracker)
        contact = parse_contact(text, phone_only=phone_only)
        if contact:
            return {"patient_contact": contact.value, MISSES_SLOT: 0}
        if phone_only and "@" in text:
            response = "utter_invalid_contact_phone_only"
        elif "@" in text:
            response = "utter_invalid_email"
        elif looks_like_contact_attempt(text):
            response = "utter_invalid_phone"
        else:
            response = "utter_invalid_patient_contact"
        return self.count_miss("patient_contact", tracker, dispatcher, response)


def wants_phone_only(tracker: Tracker) -> bool:
    """A phone consultation needs a phone number, not an e-mail."""
    return (
        tracker.active_loop.get("name") == "booking_form"
        and tracker.get_slot("booking_mode") == "phone"
    )
