"""'Forget me': a conversation that confirmed the request is deleted, not saved.

The action asks and confirms (actions/forget.py); it sets the slot `forget_me` to
"confirmed". When the store is about to save that turn, it deletes every stored event
of the conversation, its copy in memory and the SMS channel's state for it instead
(bookings and callbacks are deleted by the action, in the booking store).
"""

from __future__ import annotations

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

FORGET_SLOT = "forget_me"
FORGET_CONFIRMED = "confirmed"


def forget_requested(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (since the latest user message) confirmed "forget me"."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if (
            isinstance(event, SlotSet)
            and event.key == FORGET_SLOT
            and event.value == FORGET_CONFIRMED
        ):
            return True
    return False
