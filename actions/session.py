"""Start of a conversation: clinic facts into slots, and the one-time notice."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from clinic import retention
from clinic.facts import clinic_slots


def conversation_slots() -> Dict[str, str]:
    """What every conversation starts with: the clinic's facts, and how long it is
    kept (the notices say so)."""
    return {**clinic_slots(), "retention_days": str(retention.conversation_days())}


class ActionSessionStart(Action):
    """Runs once per conversation (session), before the first user message."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        facts = conversation_slots()
        # The slots are not on the tracker yet when Rasa renders this message,
        # so the facts are passed for template filling as well.
        dispatcher.utter_message(response="utter_disclaimer", **facts)
        return [
            SessionStarted(),
            *[SlotSet(slot, value) for slot, value in facts.items()],
            ActionExecuted("action_listen"),
        ]
