"""The last check on what a channel sends back.

Every message the assistant understands gets an answer, so an empty one means a turn
failed on our side (the action server down or too slow, the database or Redis gone):
the patient gets a polite apology instead of silence. The one deliberate silence is a
conversation paused after a handoff.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from sanic.request import Request

from clinic.channel_texts import text as channel_text

logger = logging.getLogger(__name__)


async def is_paused(request: Request, sender: str) -> bool:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # the store itself is down: not a deliberate silence
        return False
    return bool(tracker and tracker.is_paused())


async def or_apology(
    request: Request, sender: str, messages: List[Dict[str, Any]]
) -> List[Dict[str, Any]]:
    if messages or await is_paused(request, sender):
        return messages
    logger.warning("A turn produced no answer; the patient got an apology.")
    return [{"recipient_id": sender, "text": channel_text("apology")}]
