"""Rasa glue for booking: start the form, save what the patient confirmed.

Saving goes through outbox.save_or_keep: the database first (idempotent on the
request key, so a retried action or a repeated "yes" never books twice); if the
database is down, the request is kept on disk, the patient is told it is not saved
yet and offered a retry, and it is written as soon as the database is back.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinic
from actions.booking.outbox import save_or_keep
from actions.booking.store import BookingRequest, BookingStore, StoreUnavailable
from actions.booking.wording import consultation_kind, spoken_time
from actions.dialogue import channel
from actions.privacy import pseudonym

# Slots of one booking attempt (the patient's name and contact are kept for later).
ATTEMPT_SLOTS = ("booking_mode", "booking_time", "booking_confirm", "booking_editing",
                 "booking_day", "booking_suggestion", "booking_misses", "booking_pending")


@lru_cache(maxsize=1)
def store() -> BookingStore:
    """One store per action-server process (DATABASE_URL, or the SQLite default)."""
    return BookingStore()


class ActionBookingStart(Action):
    """Open a new booking attempt (after the screen) and hand over to booking_form."""

    def name(self) -> Text:
        return "action_booking_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        outcome = tracker.get_slot("screen_outcome")
        if outcome == "urgent":
            dispatcher.utter_message(response="utter_urgent_no_booking")
            return []
        dispatcher.utter_message(response="utter_booking_intro_physio" if outcome == "doctor_first"
                                 else "utter_booking_intro")
        return [SlotSet("booking_request", uuid.uuid4().hex),
                *[SlotSet(slot, None) for slot in ATTEMPT_SLOTS],
                FollowupAction("booking_form")]


def booking_request(tracker: Tracker) -> BookingRequest:
    with_physio = tracker.get_slot("screen_outcome") == "doctor_first"
    return BookingRequest(
        request_key=tracker.get_slot("booking_request"),
        sender_key=pseudonym(tracker.sender_id or ""),
        channel=channel(tracker) or "unknown",
        name=tracker.get_slot("patient_name"),
        contact=tracker.get_slot("patient_contact"),
        mode=tracker.get_slot("booking_mode"),
        starts_at=datetime.fromisoformat(tracker.get_slot("booking_time")),
        time_confirmed=clinic.opening_hours().configured,
        with_physio=with_physio,
        condition_ids=list(tracker.get_slot("screen_conditions") or []) if with_physio else [],
    )


class ActionBookingSave(Action):
    def name(self) -> Text:
        return "action_booking_save"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("booking_confirm") != "yes" or not tracker.get_slot("booking_request"):
            dispatcher.utter_message(response="utter_booking_nothing_to_save")
            return [SlotSet("booking_pending", None)]
        request = booking_request(tracker)
        try:
            record = save_or_keep(store(), request)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_booking_not_saved_yet",
                                     buttons=[{"title": "Try again", "payload": "/affirm"},
                                              {"title": "Later", "payload": "/deny"}])
            return [SlotSet("booking_pending", True)]
        local = record.starts_at.astimezone(clinic.time_zone())
        dispatcher.utter_message(
            response="utter_booking_saved", reference=record.reference,
            what=consultation_kind(record.mode, record.with_physio),
            when=spoken_time(local) + f" ({local.tzname()})",
            confirm_note="" if record.time_confirmed else
            " The clinic team will confirm the exact time with you.")
        return [SlotSet("booking_reference", record.reference),
                SlotSet("booking_request", None),
                *[SlotSet(slot, None) for slot in ATTEMPT_SLOTS]]


class ActionBookingLater(Action):
    """The patient declines an immediate retry: the kept request is still saved later."""

    def name(self) -> Text:
        return "action_booking_later"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_booking_kept")
        return [SlotSet("booking_pending", None)]
