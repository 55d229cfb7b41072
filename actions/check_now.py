"""The emergency net's question: "is this happening now?"

The health reader in the NLU pipeline routes a message to `possible_emergency` when
the clinic's list reads no emergency sign in it but the emergency net finds one likely
(nlp/health_reader.py). The list decides the 911 answer; the net only asks, once per
conversation. The safety gate (server/safety_gate.py) sends the reply, whatever its
intent, to action_now_answer, which reads it with the one reader (clinic/answers.py):
- "yes" or "not sure" gets the urgent-care answer (action_urgent_care);
- "no" carries on with what the message asked, or with the form it interrupted, and
  the conversation remembers the answer (`now_checked`), so the question never comes
  twice for the same story;
- neither: the question once more; a second reply that says neither gets the careful
  reading, urgent care.
"""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.health import note_and_answer
from actions.tracker import (
    ANSWER_ENTITY,
    CHECK_ACTION,
    NOW_ANSWER_ACTION,
    asked_before,
    entity_value,
    intent,
    interrupted_form,
    question_back,
    user_text,
)
from clinic import answers

CARRY_ON = "action_carry_on"
# what restarts a form the question interrupted (each starts from the conversation's
# health memory, which now includes the message that raised the question); any other
# form restarts itself where it stopped
RESUME = {
    "screening_form": "action_screen_intake",
    "booking_form": "action_booking_start",
}
URGENT_CARE = "action_urgent_care"


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


class ActionNowAnswer(Action):
    """The reply to "is this happening now?", read by the one reader of yes / no /
    "not sure": a button's payload (a digit on SMS is one), else the words, never the
    NLU's intent for typed words."""

    def name(self) -> str:
        return NOW_ANSWER_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        read = now_reading(tracker)
        if read == answers.NO:
            return [FollowupAction("action_now_denied")]
        if read is None and asked_before(tracker) != NOW_ANSWER_ACTION:
            dispatcher.utter_message(response="utter_check_now_again")
            return [SlotSet("now_checked", "asked")]
        # yes, not sure, or a second reply that says neither: the careful reading
        return [SlotSet("now_checked", "yes"), FollowupAction(URGENT_CARE)]


def now_reading(tracker: Tracker) -> Optional[str]:
    """yes / no / unsure / None for the latest message as a reply to the question."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):  # a button (or an SMS digit the channel turned into one)
        button = entity_value(tracker, ANSWER_ENTITY)
        return answers.now_answer(
            "", button or answers.INTENTS.get(intent(tracker) or "")
        )
    return answers.now_answer(user_text(tracker))


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
        if form:
            return [*events, FollowupAction(RESUME.get(form, form))]
        return [*events, *note_and_answer(tracker, dispatcher, question_back(tracker))]
