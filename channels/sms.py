"""Twilio-compatible SMS channel: POST /webhooks/sms/webhook, answered with TwiML.

Why not Rasa's built-in Twilio channel: it does not check X-Twilio-Signature and
sends replies through Twilio's REST API (an outbound call). Here the reply is in
the webhook's own HTTP response, so nothing leaves the server.

- X-Twilio-Signature is verified with TWILIO_AUTH_TOKEN (403 when missing or
  wrong). Behind a proxy, set SMS_PUBLIC_URL to the URL Twilio calls.
- Carrier keywords: STOP/UNSUBSCRIBE/... opt out (nothing more is sent until
  START), HELP says who this is and how to reach the clinic.
- Buttons become "Reply 1 for ..."; a digit reply sends that button's payload.
- Empty, media-only and over-long messages get a polite answer; any failure
  answers politely too, never with a 5xx.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.input_guard import as_command, clean_text, is_refused_command
from channels.replies import or_apology
from channels.sms_text import MAX_MESSAGE, render, twiml
from clinic import clock, facts
from clinic.booking.reminders import Reminders
from clinic.booking.store import BookingStore
from clinic.channel_texts import text as channel_text
from clinic.privacy import pseudonym, sms_conversation_id
from clinic.settings import settings
from stores.sms_state import SmsState, sms_state

logger = logging.getLogger(__name__)

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes"}
HELP_WORDS = {"help", "info"}


def form_params(request: Request) -> Dict[str, str]:
    """The form fields exactly as sent, blank ones included.

    Twilio signs every field it posts, an empty Body too (media-only messages);
    Sanic's request.form drops blank values, so the body is parsed here.
    """
    try:
        pairs = parse_qsl(
            request.body.decode("utf-8"), keep_blank_values=True, max_num_fields=100
        )
    except (UnicodeDecodeError, ValueError):
        return {}
    return dict(pairs)


class SmsCollector(CollectingOutputChannel):
    """Collects the bot's messages for the TwiML answer. Named "sms", so that Rasa
    picks the domain's `channel: sms` variants: shorter texts, because SMS is billed
    per segment."""

    @classmethod
    def name(cls) -> str:
        return "sms"


class SmsInput(InputChannel):
    """Twilio-compatible webhook channel with signature check and TwiML replies."""

    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> SmsInput:
        credentials = credentials or {}
        return cls(
            auth_token=credentials.get("auth_token") or settings().twilio_auth_token,
            public_url=credentials.get("public_url") or settings().sms_public_url,
        )

    def __init__(
        self,
        auth_token: Optional[str],
        public_url: Optional[str] = None,
        state: Optional[SmsState] = None,
    ) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._public_url = public_url.rstrip("/") if public_url else None
        self._state = state or sms_state()
        if not auth_token:
            logger.warning(
                "SMS channel: TWILIO_AUTH_TOKEN is not set; every request "
                "will be refused (403) until it is."
            )

    def _signed_url(self, request: Request) -> str:
        if self._public_url:
            query = f"?{request.query_string}" if request.query_string else ""
            return f"{self._public_url}{request.path}{query}"
        return request.url

    def _is_signed(self, request: Request, params: Dict[str, str]) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not self._validator or not signature:
            return False
        return bool(
            self._validator.validate(self._signed_url(request), params, signature)
        )

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        sms = Blueprint("sms_webhook", __name__)

        @sms.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = form_params(request)
            if not self._is_signed(request, params):
                return response.text(
                    "Forbidden: invalid or missing X-Twilio-Signature.", status=403
                )
            sender = params.get("From", "").strip()
            if not sender:
                return response.text("Bad request: missing From.", status=400)
            try:
                parts = await self._answer(sender, params, on_new_message, request)
            except Exception:
                logger.exception(
                    "SMS channel: could not answer sender %s", pseudonym(sender)
                )
                parts = [channel_text("apology")]
            return response.text(twiml(parts), content_type="application/xml")

        return sms

    async def _answer(
        self,
        number: str,
        params: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        request: Request,
    ) -> List[str]:
        """The replies to one text. The conversation id is the number's keyed hash in
        the SMS namespace; the number itself travels only in this message's metadata,
        so the booking form can offer it as the contact."""
        conversation = sms_conversation_id(number)
        state = self._state
        body = clean_text(params.get("Body", ""))
        keyword = body.lower().strip(" .!")
        if keyword in STOP_WORDS:
            await asyncio.to_thread(state.set_opted_out, conversation, True)
            return [channel_text("sms_stop")]
        if await asyncio.to_thread(state.opted_out, conversation):
            if keyword in START_WORDS:
                await asyncio.to_thread(state.set_opted_out, conversation, False)
                return [channel_text("sms_start")]
            return []  # opted out: carriers expect silence
        if keyword in HELP_WORDS:
            return [channel_text("sms_help")]
        if not body:
            has_media = int(params.get("NumMedia") or 0) > 0
            return [channel_text("sms_media" if has_media else "empty")]
        if len(body) > MAX_MESSAGE:
            return [channel_text("too_long", limit=f"{MAX_MESSAGE:,}")]
        answered = await self._reminder_reply(conversation, body)
        if answered:
            return [answered]
        chosen = await self._chosen_option(conversation, body)
        if not chosen and is_refused_command(body):
            return [channel_text("unknown_command")]
        collector = SmsCollector()
        await on_new_message(
            UserMessage(
                chosen or as_command(body),
                collector,
                conversation,
                input_channel=self.name(),
                metadata={"sms_from": number, "message_sid": params.get("MessageSid")},
            )
        )
        parts, payloads = render(
            await or_apology(request, conversation, collector.messages)
        )
        await asyncio.to_thread(state.set_options, conversation, payloads)
        return parts

    async def _reminder_reply(self, conversation: str, body: str) -> Optional[str]:
        """The answer to a reply to the reminder this number got last ("C" confirms,
        "X" cancels outside the late window); None when the text is no such reply: it
        then also waits for a person and goes on to the assistant."""
        reference = await asyncio.to_thread(self._state.reminder, conversation)
        if not reference:
            return None
        await asyncio.to_thread(self._state.set_reminder, conversation, None)
        try:
            outcome, hours = await asyncio.to_thread(reminder_reply, reference, body)
        except Exception:  # the database is down: the assistant answers as usual
            logger.exception("SMS channel: could not record a reminder reply")
            return None
        if outcome == "noted":
            return None
        return channel_text(f"reminder_{outcome}", reference=reference, hours=hours)

    async def _chosen_option(self, conversation: str, body: str) -> Optional[str]:
        """'2' after "Reply 1 for ..., 2 for ..." means the second option's payload."""
        if not body.isdigit():
            return None
        options = await asyncio.to_thread(self._state.options, conversation)
        index = int(body) - 1
        return options[index] if 0 <= index < len(options) else None


@lru_cache(maxsize=1)
def _reminders() -> Optional[Reminders]:
    availability = facts.availability()
    return Reminders(BookingStore(), availability) if availability else None


def reminder_reply(reference: str, body: str) -> Tuple[str, str]:
    """(outcome, the late window in hours) of a reply to a reminder (blocking)."""
    reminders = _reminders()
    if reminders is None:
        return "noted", ""
    hours = str(int(reminders.availability.late_cancel.total_seconds() // 3600))
    return reminders.reply(reference, body, clock.now()), hours
