"""Rasa glue for the health screen: intake, questions, validation, result, emergency.

The flow (data/rules/screening.yml): action_screen_intake starts from the
conversation's health memory (everything every earlier message said, clinic/screening/
memory.py); screening_form asks one yes/no question listing only what is still
unknown, and "which?" only after a yes or an unclear answer; action_screen_result sets
`screen_outcome` and explains it. "Not sure" about a condition counts as applying until
a doctor says otherwise; it is never taken as a no. Slots keep condition ids only,
never the patient's words.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker import (
    answer_faq_if_asked,
    asked_in,
    channel,
    entity_value,
    health_memory,
    latest_reading,
    read_answer,
    turn_message,
)
from clinic.screening.conditions import Condition, contraindications
from clinic.screening.findings import Findings
from clinic.screening.memory import established
from clinic.screening.rules import UNSPECIFIED, explained, outcome, reason_lines

FORM_SLOTS = ("screen_named_answer", "screen_any", "screen_which", "screen_misses")
# the screen's questions, as the bot messages carry them (`utter_action`)
ASK_RESPONSES = (
    "utter_ask_screen_named_answer",
    "utter_ask_screen_any",
    "utter_ask_screen_any_other",
)
CONDITION_ENTITY = "condition"  # domain/screening.yml
ANSWERS_SLOT = "screen_answers"  # what only the screen's questions established
MAX_MISSES = 2  # unclear answers to one question before the screen moves on carefully
CALL_911_SIGNS = {"chest_pain", "stroke_signs"}  # "call 911, don't drive yourself"


def choice_payload(condition_id: str) -> str:
    """A list item's button: its id as the `condition` entity of `inform`."""
    return f'/inform{{"{CONDITION_ENTITY}": "{condition_id}"}}'


def domain_text(domain: DomainDict, response: str) -> str:
    """The domain's (first) text of a response: for a button title an action adds to
    a list it builds, so the words still live in the domain."""
    return str(domain["responses"][response][0]["text"])


def screen_slots(
    tracker: Tracker,
    answered: Optional[Findings] = None,
    memory: Optional[Findings] = None,
) -> Dict[str, Any]:
    """The screen's slots, derived from the conversation's memory (every message's
    reading and the screen's own answers, actions/tracker.py) with this answer's
    merged in: the slots show the memory, they never keep a copy of their own.

    `screen_answers` is the record of what only the screen's questions established
    (a "yes" to an item asked by name, an item picked by its button): no message
    reading holds those, so the memory reads them from it. `memory`: the
    conversation's, when the caller has it already."""
    answered = answered or Findings()
    answered = established(answered.present, answered.unsure, answered.absent)
    recorded = Findings.from_reading(tracker.get_slot(ANSWERS_SLOT)).then(answered)
    state = (memory or health_memory(tracker)).then(answered)
    return {
        "screen_conditions": sorted(state.present | state.urgent),
        "screen_unsure": sorted(state.unsure),
        "screen_ruled_out": sorted(state.absent),
        ANSWERS_SLOT: recorded.as_dict(),
    }


def _ids(tracker: Tracker, slot: str) -> List[str]:
    return list(tracker.get_slot(slot) or [])


def still_unknown(*known: Sequence[str]) -> List[Condition]:
    """Contraindications the patient has neither mentioned, doubted nor ruled out."""
    skip = {i for ids in known for i in ids}
    return [c for c in contraindications() if c.id not in skip]


def asked_before(events: List[Dict[str, Any]], responses: Sequence[str]) -> bool:
    """Whether this screen (since its intake) already said one of these questions, so
    a re-ask (after a FAQ question in between, say) skips the intro. Read from the bot
    messages: Rasa logs no action event for a form's ask action."""
    for event in reversed(events):
        if (
            event.get("event") == "action"
            and event.get("name") == "action_screen_intake"
        ):
            return False
        utter = (event.get("metadata") or {}).get("utter_action")
        if event.get("event") == "bot" and utter in responses:
            return True
    return False


def open_screen(tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    """Before the screen's first question: what it already knows, or its intro."""
    if asked_before(tracker.events, ASK_RESPONSES):
        return
    known, unsure = _ids(tracker, "screen_conditions"), _ids(tracker, "screen_unsure")
    if known:
        dispatcher.utter_message(
            response="utter_screen_noted", conditions=labels(known)
        )
    if unsure:
        dispatcher.utter_message(
            response="utter_screen_unsure_noted", conditions=labels(unsure)
        )
    if not known and not unsure:
        dispatcher.utter_message(response="utter_screen_intro")


def as_list(labels: List[str]) -> str:
    return "\n".join(f"- {label}" for label in labels)


def in_list_order(ids: Set[str]) -> List[str]:
    """Condition ids in the clinic list's order (stable across messages)."""
    return [c.id for c in contraindications() if c.id in ids]


def labels(ids: Sequence[str]) -> str:
    return ", ".join(c.label for c in explained(ids))


def message_reading(tracker: Tracker) -> Dict[str, Any]:
    """The latest answer's health reading, as the NLU pipeline's health reader gave it
    (a "/payload" button has no words, so none): the action server never reads the
    text again."""
    return latest_reading(tracker)


class ActionScreenIntake(Action):
    """Start (or restart) the screen from everything the conversation has said."""

    def name(self) -> str:
        return "action_screen_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        memory = health_memory(tracker)
        asked = asked_in(turn_message(tracker))
        reason = "booking" if asked == "book_consultation" else "check"
        return [
            *[
                SlotSet(slot, value)
                for slot, value in screen_slots(tracker, memory=memory).items()
            ],
            SlotSet("screen_named", in_list_order(memory.to_ask_by_name)),
            SlotSet("screen_outcome", None),
            SlotSet("screen_reason", reason),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
            # the form follows also when the health note started the screen
            FollowupAction("screening_form"),
        ]


class ActionAskScreenAny(Action):
    """First question: do any of the (still unknown) conditions apply?"""

    def name(self) -> str:
        return "action_ask_screen_any"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        known, unsure = (
            _ids(tracker, "screen_conditions"),
            _ids(tracker, "screen_unsure"),
        )
        open_screen(tracker, dispatcher)
        remaining = still_unknown(known, unsure, _ids(tracker, "screen_ruled_out"))
        dispatcher.utter_message(
            response="utter_ask_screen_any_other"
            if known or unsure
            else "utter_ask_screen_any",
            conditions=as_list([c.label for c in remaining]),
            # the SMS variant's: short labels, where each 153 characters is billed
            conditions_short=", ".join(c.short_label for c in remaining),
        )
        return []


class ActionAskScreenNamedAnswer(Action):
    """First, the list items the emergency net found likely but the list did not read,
    one at a time, by name (the question the patient's own words raised)."""

    def name(self) -> str:
        return "action_ask_screen_named_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        open_screen(tracker, dispatcher)
        pending = _ids(tracker, "screen_named")
        if pending:
            dispatcher.utter_message(
                response="utter_ask_screen_named_answer", condition=labels(pending[:1])
            )
        return []


class ActionAskScreenWhich(Action):
    """Second question, only after yes or unsure: which one applies?"""

    def name(self) -> str:
        return "action_ask_screen_which"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        remaining = still_unknown(
            _ids(tracker, "screen_conditions"),
            _ids(tracker, "screen_unsure"),
            _ids(tracker, "screen_ruled_out"),
        )
        # The title is the list's label (its short one by SMS, where each 153
        # characters is billed); the payload carries the item's id.
        by_sms = channel(tracker) == "sms"
        buttons = [
            {
                "title": c.short_label if by_sms else c.label,
                "payload": choice_payload(c.id),
            }
            for c in remaining
        ]
        buttons.append(
            {
                "title": domain_text(domain, "utter_button_none_of_these"),
                "payload": "/deny",
            }
        )
        dispatcher.utter_message(response="utter_ask_screen_which", buttons=buttons)
        return []


class ValidateScreeningForm(FormValidationAction):
    """Turns free-text and button answers into condition ids."""

    def name(self) -> str:
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        named = ["screen_named_answer"] if _ids(tracker, "screen_named") else []
        if tracker.get_slot("screen_any") in ("no", "described"):
            return [*named, "screen_any"]
        return [*named, "screen_any", "screen_which"]

    def _miss(
        self,
        slot: str,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        give_up_value: Any,
    ) -> Dict[str, Any]:
        """An answer that does not fit the question.

        A FAQ question is answered and the screen question simply repeats. Anything
        else counts as unclear; after MAX_MISSES the screen moves on the careful way.
        """
        if answer_faq_if_asked(tracker, dispatcher):
            return {slot: None}
        misses = int(tracker.get_slot("screen_misses") or 0) + 1
        if misses >= MAX_MISSES:
            return {slot: give_up_value, "screen_misses": 0}
        dispatcher.utter_message(response=f"utter_{slot}_unclear")
        return {slot: None, "screen_misses": misses}

    # rasa-sdk validates every slot event at the end of the tracker, including the
    # resets action_screen_intake just made: a None value is not an answer.

    def validate_screen_named_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        """Yes, no or not sure about the first item asked by name; the next one, if
        any, is asked the same way."""
        pending = _ids(tracker, "screen_named")
        if value is None or not pending:
            return {}
        reading = message_reading(tracker)
        answer = read_answer(tracker)
        if answer is None and not (reading.get("present") or reading.get("unsure")):
            miss = self._miss("screen_named_answer", tracker, dispatcher, "unsure")
            if miss.get("screen_named_answer") is None:
                return miss
            answer = "unsure"  # asked twice, still unclear: the careful way
        item = pending[0]
        key = {"yes": "present", "unsure": "unsure", "no": "absent"}.get(answer or "")
        answered = Findings.from_reading({key: [item]} if key else None)
        rest = pending[1:]
        return {
            **screen_slots(tracker, answered),
            "screen_named": rest,
            "screen_named_answer": "answered" if not rest else None,
            "screen_misses": 0,
        }

    def validate_screen_any(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        reading = message_reading(tracker)
        merged = screen_slots(tracker)  # the message's reading is in the memory
        if reading.get("present") or reading.get("unsure"):
            return {"screen_any": "described", **merged, "screen_misses": 0}
        answer = read_answer(tracker)
        if answer is None and reading.get("absent"):
            answer = "unsure"  # "no fever" rules out one item, not the list
        if answer is None:
            return self._miss("screen_any", tracker, dispatcher, give_up_value="unsure")
        return {"screen_any": answer, **merged, "screen_misses": 0}

    def validate_screen_which(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        reading = message_reading(tracker)
        button = entity_value(tracker, CONDITION_ENTITY)
        answered = Findings(
            present={button} if button in {c.id for c in contraindications()} else set()
        )  # a button: that item (typed words are in the message's reading)
        chosen = (
            set(reading.get("present", []))
            | set(reading.get("unsure", []))
            | answered.present
        )
        if not chosen:
            if read_answer(tracker) == "no":
                return {"screen_which": [], "screen_misses": 0}
            return self._miss(
                "screen_which", tracker, dispatcher, give_up_value=[UNSPECIFIED]
            )
        return {
            "screen_which": sorted(chosen),
            **screen_slots(tracker, answered),
            "screen_misses": 0,
        }


class ActionScreenResult(Action):
    """Set screen_outcome and tell the patient what it means for them."""

    def name(self) -> str:
        return "action_screen_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # the items picked at "which?" (or UNSPECIFIED) count as applying
        slots = screen_slots(
            tracker, Findings(present=set(_ids(tracker, "screen_which")))
        )
        ids, unsure = slots["screen_conditions"], slots["screen_unsure"]
        result = outcome([*ids, *unsure])
        if result == "urgent":
            dispatcher.utter_message(response="utter_urgent")
        elif result == "doctor_first":
            dispatcher.utter_message(
                response="utter_screen_doctor_first",
                reasons=reason_lines([*ids, *unsure]),
            )
            if unsure or UNSPECIFIED in ids:
                dispatcher.utter_message(response="utter_screen_unsure_result")
        else:
            dispatcher.utter_message(response="utter_screen_clear")
        # A screen that a booking request started goes straight on to the booking.
        go_on = (
            [FollowupAction("action_booking_start")]
            if (result != "urgent" and tracker.get_slot("screen_reason") == "booking")
            else []
        )
        return [
            SlotSet("screen_outcome", result),
            *[SlotSet(slot, value) for slot, value in slots.items()],
            SlotSet("screen_reason", None),
            SlotSet("screen_named", None),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
            *go_on,
        ]


class ActionUrgentCare(Action):
    """An emergency sign happening now: urgent care, nothing to book; a person from the
    clinic and "it's not happening now" are offered, so it is not a dead end."""

    def name(self) -> str:
        return "action_urgent_care"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        signs = set(message_reading(tracker).get("urgent", []))
        dispatcher.utter_message(
            response="utter_urgent_call_911"
            if signs & CALL_911_SIGNS
            else "utter_urgent",
        )
        return [
            SlotSet("screen_outcome", "urgent"),
            *[SlotSet(slot, value) for slot, value in screen_slots(tracker).items()],
            SlotSet("screen_reason", None),
            SlotSet("requested_slot", None),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
        ]


class ActionUrgentFollowUp(Action):
    """ "It's not happening now" after an emergency sign: the clinic team, not a dead
    end; booking stays with them."""

    def name(self) -> str:
        return "action_urgent_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("screen_outcome") == "urgent":
            dispatcher.utter_message(response="utter_urgent_not_now")
        else:
            dispatcher.utter_message(response="utter_no_problem")
        return []
