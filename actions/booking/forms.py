"""Rasa glue for the booking form (and the contact questions the callback form shares).

Each validator turns one answer into a clean slot value using the pure checks in
validation.py and timeparse.py. An unusable answer is counted in `booking_misses`:
the first gets a short "please try again", the second explains the expected format and
offers a way out, and a FAQ asked in the middle is answered before the question repeats.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinic
from actions.booking.timeparse import TimeChoice, parse_when
from actions.booking.validation import (clean_name, contact_from_slot, looks_like_contact_attempt,
                                        parse_contact, parse_mode, parse_phone)
from actions.booking.wording import spoken_day, spoken_time, summary_lines
from actions.dialogue import SMS_CHANNEL, answer_faq_if_asked, channel, intent, user_text
from actions.screening.answers import yes_no_unsure

MAX_MISSES = 2
YES_STARTS = {"yes", "yep", "yeah", "yup", "sure", "ok", "okay", "confirm", "correct",
              "book it", "please book", "that's right", "looks good", "perfect", "great"}
NO_STARTS = {"no", "nope", "nah"}
NEGATIONS = {"not", "don't", "dont", "no", "wrong", "change"}
CONTINUE_WORDS = {"continue", "go on", "ok", "okay", "carry on", "yes", "try again"}
STOP_BUTTON = {"title": "Stop booking", "payload": "/stop"}
CHANGE_CHOICES = (  # what the patient may change at the summary -> slot to ask again
    ("Name", "patient_name", ("name",)),
    ("Contact", "patient_contact", ("contact", "number", "phone number", "email", "e-mail", "mobile")),
    ("Online / phone / in person", "booking_mode", ("type", "mode", "online", "in person", "by phone", "how")),
    ("Day and time", "booking_time", ("time", "day", "date", "when", "hour")),
)


def now_in_clinic() -> datetime:
    return datetime.now(clinic.time_zone())


def answered_yes(tracker: Tracker) -> Optional[bool]:
    """Yes/no, also in longer words ("yes, book it", "no thanks"); None if neither."""
    text = user_text(tracker)
    answer = yes_no_unsure(text, intent(tracker))
    if answer in ("yes", "no"):
        return answer == "yes"
    return yes_or_no_sentence(text)


def yes_or_no_sentence(text: str) -> Optional[bool]:
    words = re.findall(r"[a-z']+", text.lower())
    if not words or words[0] in NO_STARTS:
        return False if words else None
    if (words[0] in YES_STARTS or " ".join(words[:2]) in YES_STARTS) and \
            not NEGATIONS & set(words):
        return True
    return None


def sms_sender_phone(tracker: Tracker) -> Optional[str]:
    """On SMS the sender id is the patient's number: offered as the default contact."""
    if channel(tracker) != SMS_CHANNEL:
        return None
    contact = parse_phone(tracker.sender_id or "")
    return contact.value if contact else None


def count_miss(slot: str, tracker: Tracker, dispatcher: CollectingDispatcher,
               first_response: str, **template: Any) -> Dict[Text, Any]:
    """An unusable answer: say why, and after MAX_MISSES explain the format and the
    ways out (carry on, stop, or a person)."""
    if answer_faq_if_asked(tracker, dispatcher):
        return {slot: None}
    if user_text(tracker).lower().strip(" .!") in CONTINUE_WORDS or \
            tracker.latest_message.get("text") == "/affirm":
        return {slot: None}  # "continue" after the help text: just ask again
    misses = int(tracker.get_slot("booking_misses") or 0) + 1
    if misses >= MAX_MISSES:
        dispatcher.utter_message(response=f"utter_help_{slot}")
        return {slot: None, "booking_misses": 0}
    dispatcher.utter_message(response=first_response, **template)
    return {slot: None, "booking_misses": misses}


class ContactValidators:
    """Name and contact checks, shared by the booking and the callback forms."""

    def validate_patient_name(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        text = user_text(tracker)
        name = clean_name(text)
        confident_faq = intent(tracker) == "faq" and len(text.split()) >= 3 and \
            (tracker.latest_message.get("intent") or {}).get("confidence", 0) >= 0.9
        if name and not confident_faq:
            return {"patient_name": name, "booking_misses": 0}
        return count_miss("patient_name", tracker, dispatcher, "utter_invalid_patient_name")

    def validate_patient_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        text = user_text(tracker)
        sender_phone = sms_sender_phone(tracker)
        if sender_phone and (answered_yes(tracker) or text.strip() == "1"):
            return {"patient_contact": sender_phone, "booking_misses": 0}
        phone_only = (tracker.active_loop.get("name") == "booking_form"
                      and tracker.get_slot("booking_mode") == "phone")
        contact = parse_contact(text, phone_only=phone_only)
        if contact:
            return {"patient_contact": contact.value, "booking_misses": 0}
        if phone_only and "@" in text:
            response = "utter_invalid_contact_phone_only"
        elif "@" in text:
            response = "utter_invalid_email"
        elif looks_like_contact_attempt(text):
            response = "utter_invalid_phone"
        else:
            response = "utter_invalid_patient_contact"
        return count_miss("patient_contact", tracker, dispatcher, response)


def check_time(slot: str, tracker: Tracker, dispatcher: CollectingDispatcher
               ) -> Dict[Text, Any]:
    """Validate a preferred time for `slot` (booking_time or manage_time)."""
    suggestion = tracker.get_slot("booking_suggestion")
    if suggestion and answered_yes(tracker):
        return {slot: suggestion, "booking_suggestion": None, "booking_day": None,
                "booking_misses": 0}
    hours = clinic.opening_hours()
    default_day = tracker.get_slot("booking_day")
    choice = parse_when(user_text(tracker), now_in_clinic(), hours,
                        date.fromisoformat(default_day) if default_day else None)
    return time_result(slot, choice, tracker, dispatcher)


def time_result(slot: str, choice: TimeChoice, tracker: Tracker,
                dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
    hours = clinic.opening_hours()
    if choice.status == "ok":
        return {slot: choice.when.isoformat(), "booking_day": None, "booking_suggestion": None,
                "booking_misses": 0}
    if choice.status == "need_time":
        if choice.day is None:
            dispatcher.utter_message(response="utter_booking_need_day")
            return {slot: None}
        dispatcher.utter_message(response="utter_booking_need_time", day=spoken_day(choice.day),
                                 hours=hours.describe_day(choice.day) if hours.configured else "")
        return {slot: None, "booking_day": choice.day.isoformat()}
    offer = choice.suggestion
    extra = {"booking_suggestion": offer.isoformat() if offer else None, "booking_day": None}
    buttons = [{"title": "Yes, that works", "payload": "/affirm"}] if offer else []
    offer_text = (f"Would {spoken_time(offer)} work? Or tell me another time."
                  if offer else "Please tell me another day and time.")
    if choice.status == "unparsed":
        result = count_miss(slot, tracker, dispatcher, "utter_invalid_booking_time")
        return {**result, "booking_suggestion": None}
    if choice.status == "closed":
        day = choice.day or (choice.when.date() if choice.when else None)
        reason = (f"The clinic is {hours.describe_day(day)}." if hours.configured and day
                  else "That's outside the times the clinic can offer (7 am to 8 pm).")
    elif choice.status in ("past", "too_soon"):
        reason = ("That time has already passed." if choice.status == "past"
                  else "That's a bit too soon: please allow at least an hour.")
    else:  # too_far
        reason = "I can only book up to 90 days ahead."
    dispatcher.utter_message(text=f"{reason} {offer_text}", buttons=buttons)
    return {slot: None, **extra}


class ValidateBookingForm(ContactValidators, FormValidationAction):
    def name(self) -> Text:
        return "validate_booking_form"

    def validate_booking_mode(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        mode = parse_mode(user_text(tracker))
        if mode:
            return {"booking_mode": mode, "booking_misses": 0}
        return count_miss("booking_mode", tracker, dispatcher, "utter_invalid_booking_mode")

    def validate_booking_time(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        return check_time("booking_time", tracker, dispatcher)

    def validate_booking_confirm(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {}
        text = user_text(tracker).lower()
        if tracker.get_slot("booking_editing"):
            return self._change(text, tracker, dispatcher)
        yes = answered_yes(tracker)
        if yes:
            return {"booking_confirm": "yes"}
        if yes is False or any(w in text for w in ("change", "wrong", "edit", "fix")):
            return {"booking_confirm": None, "booking_editing": True}
        # "make it Wednesday at 10 instead": a new time straight away
        choice = parse_when(text, now_in_clinic(), clinic.opening_hours())
        if choice.status != "unparsed":
            return {**time_result("booking_time", choice, tracker, dispatcher),
                    "booking_confirm": None}
        dispatcher.utter_message(response="utter_booking_confirm_unclear")
        return {"booking_confirm": None}

    def _change(self, text: str, tracker: Tracker, dispatcher: CollectingDispatcher
                ) -> Dict[Text, Any]:
        """The answer to "What would you like to change?": forget that detail so the
        form asks for it again, then shows the summary again."""
        for title, slot, words in CHANGE_CHOICES:
            if text == title.lower() or any(w in text for w in words):
                return {slot: None, "booking_editing": False, "booking_confirm": None}
        contact = parse_contact(text)
        if contact:
            return {"patient_contact": contact.value, "booking_editing": False,
                    "booking_confirm": None}
        if yes_no_unsure(text, intent(tracker)) == "no":  # nothing to change after all
            return {"booking_editing": False, "booking_confirm": None}
        dispatcher.utter_message(response="utter_booking_change_unclear")
        return {"booking_confirm": None}


class ActionAskPatientName(Action):
    def name(self) -> Text:
        return "action_ask_patient_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        for_callback = tracker.active_loop.get("name") == "handoff_form"
        dispatcher.utter_message(response="utter_ask_patient_name_callback" if for_callback
                                 else "utter_ask_patient_name")
        return []


class ActionAskPatientContact(Action):
    """On SMS, offer the number the patient is texting from; for a phone consultation,
    ask for a phone number only."""

    def name(self) -> Text:
        return "action_ask_patient_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        sender_phone = sms_sender_phone(tracker)
        phone_only = (tracker.active_loop.get("name") == "booking_form"
                      and tracker.get_slot("booking_mode") == "phone")
        if sender_phone:
            contact = contact_from_slot(sender_phone)
            dispatcher.utter_message(
                response="utter_ask_patient_contact_sms", ending=contact.value[-4:],
                buttons=[{"title": "Yes, this number", "payload": "/affirm"}])
        elif phone_only:
            dispatcher.utter_message(response="utter_ask_patient_contact_phone")
        else:
            dispatcher.utter_message(response="utter_ask_patient_contact")
        return []


class ActionAskBookingConfirm(Action):
    """The summary and an explicit yes before anything is saved (or, after a no,
    the question of what to change)."""

    def name(self) -> Text:
        return "action_ask_booking_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("booking_editing"):
            buttons = [{"title": title, "payload": title} for title, _, _ in CHANGE_CHOICES]
            buttons.append({"title": "Cancel the booking", "payload": "/stop"})
            dispatcher.utter_message(response="utter_ask_booking_change", buttons=buttons)
            return []
        starts_at = datetime.fromisoformat(tracker.get_slot("booking_time"))
        lines = summary_lines(
            tracker.get_slot("patient_name"), tracker.get_slot("patient_contact"),
            tracker.get_slot("booking_mode"), starts_at,
            with_physio=tracker.get_slot("screen_outcome") == "doctor_first",
            time_confirmed=clinic.opening_hours().configured)
        dispatcher.utter_message(response="utter_ask_booking_confirm", summary="\n".join(lines),
                                 buttons=[{"title": "Yes, book it", "payload": "/affirm"},
                                          {"title": "Change something", "payload": "/deny"},
                                          STOP_BUTTON])
        return []
