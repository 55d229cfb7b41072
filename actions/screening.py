"""Rasa glue for the health screen: intake, questions, validation, result, emergency.

The flow (data/rules/screening.yml): action_screen_intake reads what the triggering
message already says; screening_form asks one yes/no question listing only what is
still unknown, and "which?" only after a yes or an unclear answer;
action_screen_result sets `screen_outcome` and explains it. Slots keep condition
ids only, never the patient's words.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker import answer_faq_if_asked
from actions.tracker import intent as _intent
from actions.tracker import user_text as _user_text
from clinic.screening.answers import yes_no_unsure
from clinic.screening.conditions import contraindications
from clinic.screening.matcher import find_conditions
from clinic.screening.rules import UNSPECIFIED, explained, outcome

FORM_SLOTS = ("screen_any", "screen_which", "screen_misses")
MAX_MISSES = 2  # unclear answers to one question before the screen moves on carefully


def _ids(tracker: Tracker, slot: str) -> List[str]:
    return list(tracker.get_slot(slot) or [])


def still_unknown(known: List[str], ruled_out: List[str]) -> List[Any]:
    """Contraindications the patient has neither mentioned nor ruled out."""
    skip = set(known) | set(ruled_out)
    return [c for c in contraindications() if c.id not in skip]


def asked_before(events: List[Dict[str, Any]], ask_action: str) -> bool:
    """Whether this screen already asked the question (a re-ask skips the intro)."""
    for event in reversed(events):
        if (
            event.get("event") == "action"
            and event.get("name") == "action_screen_intake"
        ):
            return False
        if event.get("event") == "action" and event.get("name") == ask_action:
            return True
    return False


def as_list(labels: List[str]) -> str:
    return "\n".join(f"- {label}" for label in labels)


class ActionScreenIntake(Action):
    """Start (or restart) the screen from what the user's message already says."""

    def name(self) -> str:
        return "action_screen_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        findings = find_conditions(_user_text(tracker))
        reason = "booking" if _intent(tracker) == "book_consultation" else "check"
        return [
            SlotSet("screen_conditions", sorted(findings.present)),
            SlotSet("screen_ruled_out", sorted(findings.absent)),
            SlotSet("screen_outcome", None),
            SlotSet("screen_reason", reason),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
        ]


class ActionAskScreenAny(Action):
    """First question: do any of the (still unknown) conditions apply?"""

    def name(self) -> str:
        return "action_ask_screen_any"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        known = _ids(tracker, "screen_conditions")
        first_time = not asked_before(tracker.events, self.name())
        if known and first_time:
            noted = ", ".join(c.label for c in explained(known))
            dispatcher.utter_message(response="utter_screen_noted", conditions=noted)
        elif first_time:
            dispatcher.utter_message(response="utter_screen_intro")
        remaining = still_unknown(known, _ids(tracker, "screen_ruled_out"))
        dispatcher.utter_message(
            response="utter_ask_screen_any"
            if not known
            else "utter_ask_screen_any_other",
            conditions=as_list([c.label for c in remaining]),
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
            _ids(tracker, "screen_conditions"), _ids(tracker, "screen_ruled_out")
        )
        # The label itself is the payload: it goes through the matcher like typed
        # text (tests check every label maps to its own condition).
        buttons = [{"title": c.label, "payload": c.label} for c in remaining]
        buttons.append({"title": "None of these", "payload": "/deny"})
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
        if tracker.get_slot("screen_any") in ("no", "described"):
            return ["screen_any"]
        return ["screen_any", "screen_which"]

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

    def validate_screen_any(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        text = _user_text(tracker)
        findings = find_conditions(text)
        ruled_out = sorted(set(_ids(tracker, "screen_ruled_out")) | findings.absent)
        if findings.present:
            known = sorted(set(_ids(tracker, "screen_conditions")) | findings.present)
            return {
                "screen_any": "described",
                "screen_conditions": known,
                "screen_ruled_out": ruled_out,
                "screen_misses": 0,
            }
        answer = yes_no_unsure(text, _intent(tracker))
        if answer is None and findings.absent:
            answer = "unsure"  # "no fever" rules out one item, not the list
        if answer is None:
            return self._miss("screen_any", tracker, dispatcher, give_up_value="unsure")
        return {"screen_any": answer, "screen_ruled_out": ruled_out, "screen_misses": 0}

    def validate_screen_which(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        if value is None:
            return {}
        known = set(_ids(tracker, "screen_conditions"))
        text = _user_text(tracker)
        chosen = find_conditions(text).present
        if not chosen:
            if yes_no_unsure(text, _intent(tracker)) == "no":
                return {"screen_which": [], "screen_misses": 0}
            return self._miss(
                "screen_which", tracker, dispatcher, give_up_value=[UNSPECIFIED]
            )
        return {
            "screen_which": sorted(chosen),
            "screen_conditions": sorted(known | chosen),
            "screen_misses": 0,
        }


class ActionScreenResult(Action):
    """Set screen_outcome and tell the patient what it means for them."""

    def name(self) -> str:
        return "action_screen_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        ids = sorted(
            set(_ids(tracker, "screen_conditions")) | set(_ids(tracker, "screen_which"))
        )
        result = outcome(ids)
        if result == "urgent":
            dispatcher.utter_message(response="utter_urgent")
        elif result == "doctor_first":
            conditions = explained(ids)
            reasons = [f"- {c.label}: {c.reason}." for c in conditions]
            if UNSPECIFIED in ids:
                reasons.append(
                    "- You weren't sure whether something on the list applies."
                )
            dispatcher.utter_message(
                response="utter_screen_doctor_first", reasons="\n".join(reasons)
            )
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
            SlotSet("screen_conditions", ids),
            SlotSet("screen_reason", None),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
            *go_on,
        ]


class ActionUrgentCare(Action):
    """An emergency sign was described: urgent care now, nothing to book."""

    def name(self) -> str:
        return "action_urgent_care"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_urgent")
        flagged = [
            c.id
            for c in explained(find_conditions(_user_text(tracker)).present)
            if c.is_red_flag
        ]
        ids = sorted(set(_ids(tracker, "screen_conditions")) | set(flagged))
        return [
            SlotSet("screen_outcome", "urgent"),
            SlotSet("screen_conditions", ids),
            SlotSet("screen_reason", None),
            SlotSet("requested_slot", None),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
        ]
