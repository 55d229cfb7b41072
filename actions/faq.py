"""FAQ glue: clarify messages the assistant is unsure about, and put them in the
staff's review inbox."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.tracker import channel, conversation_key, turn_message, user_message
from clinic import clock, facts
from clinic.booking.store import StoreUnavailable
from clinic.clarification import candidate_options, consecutive_misses, topic_questions
from clinic.review import ReviewInbox, best_guesses

logger = logging.getLogger(__name__)
# After this many misunderstood messages in a row, offer the clinic team.
MISSES_BEFORE_HANDOFF = 2


async def to_review(tracker: Tracker, message: Dict[str, Any], reason: str) -> None:
    """Put the message in the staff's review inbox (clinic/review.py); a database that
    is down costs the item, never the patient's answer."""
    text = str(message.get("text") or "")
    if not text or text.startswith("/"):
        return
    inbox = ReviewInbox(services.store())
    try:
        await services.call(
            inbox.add,
            conversation_key(tracker),
            reason,
            text,
            best_guesses(message),
            channel(tracker) or "unknown",
            clock.now(),
            facts.review_redacts_conditions(),
        )
    except StoreUnavailable:
        logger.warning("A review item was not saved: the database is unreachable.")


class ActionClarify(Action):
    """Ask "Did you mean ...?" instead of answering a question we may have misread."""

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        misses = consecutive_misses(tracker.events)
        message = turn_message(tracker)  # or the one that raised the net's question
        await to_review(tracker, message, "second_miss" if misses > 1 else "fallback")
        if misses >= MISSES_BEFORE_HANDOFF:
            dispatcher.utter_message(response="utter_offer_handoff")
            return []
        options = candidate_options(message, topic_questions())
        if not options:
            dispatcher.utter_message(response="utter_rephrase")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[{"title": o.title, "payload": o.payload} for o in options],
        )
        return []


class ActionReviewUnhelpful(Action):
    """The patient says the FAQ answer did not help: their question goes to the
    review inbox with the guesses it got, and they are offered another way."""

    def name(self) -> str:
        return "action_review_unhelpful"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        question = answered_question(tracker)
        if question is not None:
            await to_review(tracker, question, "not_helpful")
        dispatcher.utter_message(response="utter_sorry_not_helpful")
        return []


def answered_question(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The parse data of the FAQ question just before this message, if it was one."""
    previous = user_message(tracker, back=1)
    if (previous.get("intent") or {}).get("name") != "faq":
        return None
    return previous
