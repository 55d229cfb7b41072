"""Run an action the way the action server does, without a server."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    latest_message: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    sender: str = "test-user",
) -> Tracker:
    latest = latest_message or {
        "intent": {"name": "greet"},
        "entities": [],
        "text": "hi",
    }
    if events is None:  # as Rasa sends it: the latest message is the last user event
        events = [{"event": "user", "text": latest.get("text"), "parse_data": latest}]
    return Tracker(
        sender, slots or {}, latest, events, False, None, {}, "action_listen"
    )


def parsed(text: str, intent: str = "safety_check") -> Dict[str, Any]:
    """A message as the NLU pipeline hands it over: with its health reading."""
    from clinic.screening.matcher import find_conditions

    reading = {**find_conditions(text).as_dict(), "asked": intent}
    return {"text": text, "intent": {"name": intent}, "entities": [], "health": reading}


def run_action(action: Action, tracker: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher


@pytest.fixture
def run():
    return run_action
