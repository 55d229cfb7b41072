"""Rasa's socket.io channel for the website widget, with the checks every public port
needs: allowed origins, server-issued conversation ids, capped messages, the same input
checks as REST and SMS.

- Origins: stock Rasa 3.6 creates its socket.io server with origin checks disabled,
  so any web page could open a session. Here the engine.io server accepts only the
  origins in WEB_ORIGINS (comma-separated; default: the demo page). Clients that send
  no Origin header (server-side clients, tests) are unaffected, as in engine.io.
- Conversation ids: stock Rasa takes the session id the client sends, in the session
  request and again in every message, so a client could name any conversation (an SMS
  one, a REST one). Here the id is issued by the server ("web:" and 128 random bits);
  a client may come back with one it was given (session persistence: a reload keeps
  the conversation), never another form, and its messages only go to the id it holds.
- Size: an engine.io packet over MAX_PACKET_BYTES closes the socket; a message over
  MAX_MESSAGE characters gets the polite "too long" answer.
- Text is cleaned like REST and SMS text: control characters dropped, "restart"
  restarts (also after a handoff), unknown "/" commands refused, metadata filtered.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.input_guard import (
    MAX_MESSAGE,
    allowed_metadata,
    as_command,
    clean_text,
    is_refused_command,
)
from clinic.channel_texts import text as channel_text
from clinic.privacy import WIDGET_NAMESPACE
from clinic.settings import settings

logger = logging.getLogger(__name__)
DEFAULT_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080"
MAX_PACKET_BYTES = 16 * 1024
SESSION_ID = re.compile(r"^web:[0-9a-f]{32}$")


def allowed_origins() -> List[str]:
    raw = settings().web_origins or DEFAULT_ORIGINS
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


def new_session_id() -> str:
    return WIDGET_NAMESPACE + secrets.token_hex(16)


def granted_session_id(requested: Any) -> str:
    """The id a client may use: the one it was issued before, else a new one."""
    if isinstance(requested, str) and SESSION_ID.match(requested):
        return requested
    return new_session_id()


class OriginCheckedSocketIO(SocketIOInput):
    """Same protocol and path (/socket.io) as Rasa's channel; see the module text."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        blueprint.ctx.sio = _EngineIOEndpoint(sio)  # what the blueprint attaches
        sio.eio.cors_allowed_origins = allowed_origins()
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES
        sessions: Dict[str, str] = {}  # socket id -> the conversation id it holds

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict[str, Any]]) -> None:
            requested = (
                (data or {}).get("session_id") if isinstance(data, dict) else None
            )
            session_id = granted_session_id(requested)
            sessions[sid] = session_id
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)
            logger.debug("A widget socket closed.")

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session_id = sessions.get(sid)
            if session_id is None or not isinstance(data, dict):
                return  # no session requested on this socket: nothing to answer
            output = LanguageTaggedOutput(sio, self.bot_message_evt)
            text = clean_text(str(data.get("message") or ""))
            if len(text) > MAX_MESSAGE:
                await output.send_text_message(
                    session_id, channel_text("too_long", limit=f"{MAX_MESSAGE:,}")
                )
                return
            if is_refused_command(text):
                await output.send_text_message(
                    session_id, channel_text("unknown_command")
                )
                return
            await on_new_message(
                UserMessage(
                    as_command(text),
                    output,
                    session_id,
                    input_channel=self.name(),
                    metadata=allowed_metadata(_metadata(data.get(self.metadata_key))),
                )
            )

        return blueprint


class LanguageTaggedOutput(SocketIOOutput):
    """Rasa's socket.io output, with the language of an answer in another language:
    a domain response variant that says `metadata: {lang: es}` reaches the page as
    `"lang": "es"`, and the chat marks the message with it (screen readers then read
    it in that language)."""

    _lang: Optional[str] = None

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        lang = (message.get("metadata") or {}).get("lang")
        self._lang = lang if isinstance(lang, str) else None
        try:
            await super().send_response(recipient_id, message)
        finally:
            self._lang = None

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self._lang and isinstance(response, dict):
            response = {**response, "lang": self._lang}
        await super()._send_message(socket_id, response)


class _EngineIOEndpoint:
    """The engine.io endpoint, attached the way engine.io's Sanic driver does it, with
    one difference: the route is marked as a websocket handler.

    A websocket session that ends returns no response (engine.io's handler returns
    None), and Sanic answers a None from an ordinary route with an ERROR and a
    traceback, once for every widget that closes: noise that hides real errors.
    `is_websocket` is Sanic's own marker for handlers that answer through the socket
    (its `app.websocket` routes carry it); with it a None is accepted. Polling
    requests still return their responses as before.
    """

    def __init__(self, sio: AsyncServer) -> None:
        self._sio = sio

    def attach(self, app: Sanic, socketio_path: str) -> None:
        sio = self._sio

        async def engineio(request: Request) -> Optional[HTTPResponse]:
            return await sio.handle_request(request)

        engineio.is_websocket = True  # type: ignore[attr-defined]
        app.add_route(
            engineio,
            f"/{socketio_path.strip('/')}/",
            methods=["GET", "POST", "OPTIONS"],
        )
        app.enable_websocket()


def _metadata(raw: Any) -> Optional[Dict[str, Any]]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None
