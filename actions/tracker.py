"""Small readers of the tracker that every form and action needs."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from clinic import answers
from clinic.privacy import pseudonym
from clinic.screening.findings import Findings, merged

SMS_CHANNEL = "sms"
ANSWER_ENTITY = "answer"  # domain/screening.yml: a button's answer ("unsure")


def user_text(tracker: Tracker) -> str:
    """The latest message, unless it is a button payload ("/affirm")."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def read_answer(tracker: Tracker) -> Optional[str]:
    """The patient's yes, no or "not sure" to the question just asked, typed or a
    button (clinic/answers.py, the one reader; a button may carry `answer`)."""
    return answers.answer(
        user_text(tracker), intent(tracker), entity_value(tracker, ANSWER_ENTITY)
    )


def entity_value(tracker: Tracker, entity: str) -> Optional[str]:
    """The latest message's value for an entity (a button payload's), or None."""
    values = list(tracker.get_latest_entity_values(entity))
    return str(values[0]) if values else None


def asked_in(message: Dict[str, Any]) -> Optional[str]:
    """What a message (its parse data) asked, before the health reader routed it
    (`health_mention` keeps the classifier's intent as `health.asked`)."""
    reading = message.get("health") or {}
    return reading.get("asked") or (message.get("intent") or {}).get("name")


def answer_faq_if_asked(tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
    """A FAQ asked in the middle of a form (or with a condition named in it) is
    answered; a form then asks its question again."""
    return answer_faq_in(tracker.latest_message, dispatcher)


def answer_faq_in(message: Dict[str, Any], dispatcher: CollectingDispatcher) -> bool:
    """The FAQ answer to a message (its parse data), if it asked one."""
    return answer_retrieval_in(message, dispatcher, "faq")


def answer_retrieval_in(
    message: Dict[str, Any], dispatcher: CollectingDispatcher, intent: str
) -> bool:
    """The answer the classifier chose for a retrieval intent ("faq",
    "out_of_scope"), if the message asked it."""
    if asked_in(message) != intent:
        return False
    selector = (message.get("response_selector") or {}).get(intent) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    if key:
        dispatcher.utter_message(response=f"utter_{key}")
    return bool(key)


def channel(tracker: Tracker) -> Optional[str]:
    return tracker.get_latest_input_channel()


def last_user_event(
    tracker: Tracker, intent_name: Optional[str] = None
) -> Dict[str, Any]:
    """The latest user message event (with that intent, if given)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent_name is None or name == intent_name:
            return event
    return {}


def conversation_events(tracker: Tracker) -> List[Dict[str, Any]]:
    """Events since the conversation (re)started: a restart forgets what came before."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") in ("restart", "session_started"):
            return events[index + 1 :]
    return events


def health_memories(tracker: Tracker, back: int = 0) -> Tuple[Findings, Findings]:
    """The conversation's health memory before a message (the latest, or `back`
    messages before it), and with it: every user message's reading up to it, and what
    the screen's own questions established (`screen_answers`), merged."""
    users = [e for e in conversation_events(tracker) if e.get("event") == "user"]
    users = users[: len(users) - back]
    earlier, latest = users[:-1], users[-1:]
    before = merged((e.get("parse_data") or {}).get("health") for e in earlier).then(
        Findings.from_reading(tracker.get_slot("screen_answers"))
    )
    now = before.then(
        Findings.from_reading(
            latest[0].get("parse_data", {}).get("health") if latest else None
        )
    )
    return before, now


def user_message(tracker: Tracker, back: int = 0) -> Dict[str, Any]:
    """The parse data of the latest user message, or of the one `back` before it."""
    users = [e for e in conversation_events(tracker) if e.get("event") == "user"]
    index = len(users) - 1 - back
    return dict(users[index].get("parse_data") or {}) if index >= 0 else {}


def health_memory(tracker: Tracker) -> Findings:
    """The conversation's health memory, the latest message included."""
    return health_memories(tracker)[1]


def latest_reading(tracker: Tracker) -> Dict[str, Any]:
    """The latest message's health reading (condition ids), or {}."""
    return dict(tracker.latest_message.get("health") or {})


def conversation_key(tracker: Tracker) -> str:
    """The conversation's pseudonym, stored on bookings and callbacks so that "forget
    me" finds them; never the raw sender id."""
    return pseudonym(tracker.sender_id or "")


CHECK_ACTION = "action_check_now"
NOW_ANSWER_ACTION = "action_now_answer"  # reads the reply; may ask once more
QUESTION_ACTIONS = (CHECK_ACTION, NOW_ANSWER_ACTION)  # clinic/safety.py's


def asked_before(tracker: Tracker, back: int = 0) -> Optional[str]:
    """The last action before the latest user message (or the one `back` messages
    before it) other than listening: what the patient was answering."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
        elif (
            users > back
            and event.get("event") == "action"
            and event.get("name") != "action_listen"
        ):
            return str(event.get("name"))
    return None


def question_back(tracker: Tracker) -> int:
    """How many messages back the one that raised "is this happening now?" is: 0 when
    the latest message did not answer it, 1 after one answer, 2 when it was asked once
    more."""
    back = 0
    while asked_before(tracker, back) in QUESTION_ACTIONS:
        back += 1
    return back


def turn_message(tracker: Tracker) -> Dict[str, Any]:
    """The message this turn responds to: the latest, or, when the latest answers the
    emergency net's question, the message that raised it."""
    back = question_back(tracker)
    return user_message(tracker, back) if back else dict(tracker.latest_message)


def interrupted_form(tracker: Tracker) -> Optional[str]:
    """The form that was active when the latest message came (a rule may have
    deactivated it since)."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_latest = True
        elif seen_latest and event.get("event") == "active_loop":
            return event.get("name")
    return None
