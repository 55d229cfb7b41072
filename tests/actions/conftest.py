"""Run an action the way the action server does, without a server."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.helpers import domain


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


@lru_cache(maxsize=1)
def the_domain() -> Dict[str, Any]:
    """The domain as the action server receives it (its responses included)."""
    return domain()


def conversation_tracker(
    *texts: str, intent: str = "safety_check", slots: Optional[Dict[str, Any]] = None
) -> Tracker:
    """A conversation whose user messages are `texts` (each with its health reading,
    as the NLU gives it); the last one is the latest message."""
    messages = [parsed(text, intent) for text in texts]
    events = [{"event": "user", "text": m["text"], "parse_data": m} for m in messages]
    return make_tracker(messages[-1], events=events, slots=slots)


def run_action(action: Action, tracker: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, the_domain()))
    return events, dispatcher


@pytest.fixture
def run():
    return run_action
