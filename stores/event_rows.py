"""Conversation events as stored rows: encrypted, with nothing of the patient in clear.

Each event is stored encrypted (clinic/crypto.py: the message text, the parse data
with its health reading, slot values, bot messages, metadata). Only the conversation
id, the event type and its time are in clear, for Rasa's queries; the intent and
action name columns stay empty.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from rasa.shared.core.events import Event

from clinic import crypto


def encrypted_row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The column values Rasa's SQLTrackerStore.save writes for an event, with the
    event encrypted and no intent or action name in clear."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": None,
        "action_name": None,
        "data": crypto.encrypt(json.dumps(data)),
    }


def event_data(stored: str) -> Dict[str, Any]:
    """An event as stored: encrypted (a Fernet token), or plain JSON from before
    encryption was added."""
    return json.loads(
        stored if stored.lstrip().startswith("{") else crypto.decrypt(stored)
    )
