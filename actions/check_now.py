"""The emergency net's question: "is this happening now?"

The health reader in the NLU pipeline routes a message to `possible_emergency` when
the clinic's list reads no emergency sign in it but the emergency net finds one likely
(nlp/health_reader.py). The list decides the 911 answer; the net only asks, once per
conversation:
- "yes" gets the urgent-care answer (data/rules/emergency.yml, action_urgent_care);
- "no" carries on with what the message asked, or with the form it interrupted, and
  the conversation remembers the answer (`now_checked`), so the question never comes
  twice for the same story.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.health import note_and_answer
from actions.tracker import CHECK_ACTION, answers_check, interrupted_form

CARRY_ON = "action_carry_on"
# what restarts a form the question interrupted (each starts from the conversation's
# health memory, which now includes the message that raised the question)
RESUME = {
    "screening_form": "action_screen_intake",
    "booking_form": "action_booking_start",
}


class ActionCheckNow(Action):
    """Ask whether it is happening now, unless the conversation already answered."""

    def name(self) -> str:
        return CHECK_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        resume = SlotSet("now_resume", interrupted_form(tracker))
        if tracker.get_slot("now_checked") or tracker.get_slot("screen_outcome") == (
            "urgent"
        ):
            return [resume, FollowupAction(CARRY_ON)]
        dispatcher.utter_message(response="utter_check_now")
        return [resume, SlotSet("now_checked", "asked")]


class ActionNowDenied(Action):
    """ "No, it isn't happening now": noted, then carry on."""

    def name(self) -> str:
        return "action_now_denied"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_check_now_noted")
        return [SlotSet("now_checked", "no"), FollowupAction(CARRY_ON)]


class ActionCarryOn(Action):
    """Back to what the patient was doing: the form the question interrupted, or the
    answer to the message that raised it (with the doctor-first note for any list
    item it named)."""

    def name(self) -> str:
        return CARRY_ON

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events: List[EventType] = [SlotSet("now_resume", None)]
        form = tracker.get_slot("now_resume")
        if form in RESUME:
            return [*events, FollowupAction(RESUME[form])]
        back = 1 if answers_check(tracker) else 0
        return [*events, *note_and_answer(tracker, dispatcher, back)]
