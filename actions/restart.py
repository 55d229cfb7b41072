"""`restart` (also after a handoff, when the assistant is quiet): start afresh.

Overrides Rasa's default action_restart so the clinic facts and the notice come back:
the default one wipes every slot, and the responses need the clinic_* slots.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.session import conversation_slots


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        facts = conversation_slots()
        dispatcher.utter_message(response="utter_restart", **facts)
        return [Restarted(), *[SlotSet(slot, value) for slot, value in facts.items()]]
