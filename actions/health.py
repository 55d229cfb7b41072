"""A condition named in passing: the doctor-first guidance, and still an answer.

The health reader in the NLU pipeline (nlp/health_reader.py) routes a message that
names a contraindication in a question, a greeting or a message it did not understand
to `health_mention`. action_health_note then
- says, once per condition, why to check with a doctor first;
- answers what the message asked: a FAQ topic, the screen ("is it safe for me?",
  started pre-filled), the booking (after the screen), or the next steps;
- keeps the condition ids (never words) in `health_conditions`.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.out_of_scope import answer_out_of_scope
from actions.screening import labels
from actions.tracker import answer_faq_in, asked_in, health_memories, user_message
from clinic.screening.memory import new_flags
from clinic.screening.rules import reason_lines


class ActionHealthNote(Action):
    def name(self) -> str:
        return "action_health_note"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return note_and_answer(tracker, dispatcher)


def note_and_answer(
    tracker: Tracker, dispatcher: CollectingDispatcher, back: int = 0
) -> List[EventType]:
    """The note for the conditions a message named, then the answer to what it asked:
    the latest message, or the one `back` messages before it (the emergency net's
    question came in between, actions/check_now.py)."""
    before, now = health_memories(tracker, back)
    new = new_flags(before, now)
    message = user_message(tracker, back)
    asked = asked_in(message)
    events: List[EventType] = [SlotSet("health_conditions", sorted(now.flagged))]
    outcome = tracker.get_slot("screen_outcome")
    if new and outcome == "clear":  # said after a clear screen: no longer clear
        events.append(SlotSet("screen_outcome", "doctor_first"))
        outcome = "doctor_first"
    if asked == "safety_check" or (asked == "book_consultation" and outcome is None):
        # the screen, started from everything said so far, explains at its end
        return [*events, FollowupAction("action_screen_intake")]
    if new:
        dispatcher.utter_message(
            response="utter_health_noted",
            conditions=labels(new),
            reasons=reason_lines(new),
        )
    if asked == "book_consultation":
        follow = (
            "utter_urgent_no_booking" if outcome == "urgent" else "action_booking_start"
        )
        return [*events, FollowupAction(follow)]
    if asked == "nlu_fallback":  # "Did you mean ...?" for what it may have asked
        return [*events, FollowupAction("action_clarify")]
    if asked == "out_of_scope":
        answer_out_of_scope(message, dispatcher)
    elif asked == "other_language":  # the note was in that language; then the reply
        dispatcher.utter_message(response="utter_other_language")
    elif not answer_faq_in(message, dispatcher):
        dispatcher.utter_message(response="utter_health_next_steps")
    return events
