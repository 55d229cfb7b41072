"""Rasa's socket.io channel, with the allowed browser origins limited and the same
input checks as the other channels.

Stock Rasa 3.6 creates its socket.io server with origin checks disabled, so any
web page could open a session. Here the engine.io server only accepts the origins
in WEB_ORIGINS (comma-separated; default: the demo page). Clients that send no
Origin header (server-side clients, tests) are unaffected, as in engine.io.
Messages are cleaned like REST and SMS ones: control characters dropped, "restart"
restarts (also after a handoff), and a bare "/faq" payload is read as plain words.
"""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, List

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.input_guard import as_command, clean_text, is_unanswerable_payload

DEFAULT_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080"


def allowed_origins() -> List[str]:
    raw = os.environ.get("WEB_ORIGINS") or DEFAULT_ORIGINS
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


class OriginCheckedSocketIO(SocketIOInput):
    """Same protocol and path (/socket.io) as Rasa's channel; origins checked."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def checked(message: UserMessage) -> Any:
            text = clean_text(message.text or "")
            if is_unanswerable_payload(text):
                text = text.lstrip("/")
            message.text = as_command(text)
            return await on_new_message(message)

        blueprint = super().blueprint(checked)
        self.sio.eio.cors_allowed_origins = allowed_origins()
        return blueprint
