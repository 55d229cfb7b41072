"""Small readers of the tracker that every form and action needs."""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from clinic.privacy import pseudonym

SMS_CHANNEL = "sms"


def user_text(tracker: Tracker) -> str:
    """The latest message, unless it is a button payload ("/affirm")."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def answer_faq_if_asked(tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
    """A FAQ asked in the middle of a form is answered; the form then asks again."""
    if intent(tracker) != "faq":
        return False
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
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


def conversation_key(tracker: Tracker) -> str:
    """The conversation's pseudonym, stored on bookings and callbacks so that "forget
    me" finds them; never the raw sender id."""
    return pseudonym(tracker.sender_id or "")
