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
    return Tracker(
        sender, slots or {}, latest, events or [], False, None, {}, "action_listen"
    )


def run_action(action: Action, tracker: Tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher


@pytest.fixture
def run():
    return run_action
