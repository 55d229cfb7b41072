"""Rasa's REST channel (same path, /webhooks/rest/webhook) with its input checked.

Stock Rasa 3.6 answers 500 to some bodies (a JSON list, a null or object
`message`, a bare "/faq" payload) and, without a sender, files every message
under one shared "default" conversation. Here a malformed request gets a 400
with a clear reason, and an empty or over-long message a polite answer.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_guard import (
    MAX_MESSAGE,
    allowed_metadata,
    as_command,
    clean_text,
    is_refused_command,
    is_reserved_sender,
)
from channels.replies import or_apology
from clinic.channel_texts import text as channel_text

logger = logging.getLogger(__name__)
MAX_SENDER = 128


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


def reply(sender: str, text: str) -> HTTPResponse:
    return response.json([{"recipient_id": sender, "text": text}])


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:
                return bad_request("Body is not valid JSON.")
            if not isinstance(body, dict):
                return bad_request(
                    'Body must be a JSON object: {"sender": "...", "message": "..."}.'
                )
            sender, message = body.get("sender"), body.get("message")
            if isinstance(sender, int) and not isinstance(sender, bool):
                sender = str(sender)
            if isinstance(sender, str) and is_reserved_sender(sender):
                return bad_request(
                    '"sender" may not start with "sms:" or "web:": those conversation '
                    "ids belong to the SMS and widget channels."
                )
            if (
                not isinstance(sender, str)
                or not sender.strip()
                or len(sender) > MAX_SENDER
            ):
                return bad_request(
                    f'"sender" must be a non-empty string of at most {MAX_SENDER} '
                    f"characters."
                )
            if not isinstance(message, str):
                return bad_request('"message" must be a string.')
            metadata = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return bad_request('"metadata" must be a JSON object.')
            text = clean_text(message)
            if not text:
                return reply(sender, channel_text("empty"))
            if len(text) > MAX_MESSAGE:
                return reply(sender, channel_text("too_long", limit=f"{MAX_MESSAGE:,}"))
            if is_refused_command(text):
                return reply(sender, channel_text("unknown_command"))
            messages = await self._answer(
                on_new_message, sender, as_command(text), allowed_metadata(metadata)
            )
            return response.json(await or_apology(request, sender, messages))

        return webhook

    async def _answer(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: Any,
    ) -> List[Dict[str, Any]]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )
        except Exception:
            logger.exception("REST channel: could not answer a message")
            return [{"recipient_id": sender, "text": channel_text("apology")}]
        return collector.messages
