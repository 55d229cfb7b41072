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

import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from actions.clinic import clinic_slots
from actions.privacy import pseudonym
from channels.replies import or_apology
from channels.input_guard import EMPTY_TEXT, ERROR_TEXT, as_command, clean_text, too_long_text
from channels.sms_state import SmsState
from channels.sms_text import MAX_MESSAGE, render, twiml

logger = logging.getLogger(__name__)

STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
START_WORDS = {"start", "unstop", "yes"}
HELP_WORDS = {"help", "info"}


def _facts() -> Dict[str, str]:
    facts = clinic_slots()
    return {"name": facts["clinic_name"], "phone": facts["clinic_phone"],
            "email": facts["clinic_email"]}


def help_text() -> str:
    return ("{name}: automated assistant for questions about massage therapy and booking a "
            "free consultation. General information, not medical advice. Phone: {phone}. "
            "E-mail: {email}. Reply STOP to opt out.").format(**_facts())


def stop_text() -> str:
    return ("You're unsubscribed from {name} messages and won't get any more replies. "
            "Reply START to resubscribe.").format(**_facts())


def start_text() -> str:
    return "You're resubscribed to {name} messages. Reply HELP for help.".format(**_facts())


MEDIA_TEXT = "Sorry, I can only read text messages. Please type your question."


def form_params(request: Request) -> Dict[str, str]:
    """The form fields exactly as sent, blank ones included.

    Twilio signs every field it posts, an empty Body too (media-only messages);
    Sanic's request.form drops blank values, so the body is parsed here.
    """
    try:
        pairs = parse_qsl(request.body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=100)
    except (UnicodeDecodeError, ValueError):
        return {}
    return dict(pairs)


class SmsInput(InputChannel):
    """Twilio-compatible webhook channel with signature check and TwiML replies."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        credentials = credentials or {}
        return cls(
            auth_token=credentials.get("auth_token") or os.environ.get("TWILIO_AUTH_TOKEN"),
            public_url=credentials.get("public_url") or os.environ.get("SMS_PUBLIC_URL"),
        )

    def __init__(self, auth_token: Optional[str], public_url: Optional[str] = None,
                 state: Optional[SmsState] = None) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._public_url = public_url.rstrip("/") if public_url else None
        self._state = state or SmsState()
        if not auth_token:
            logger.warning("SMS channel: TWILIO_AUTH_TOKEN is not set; every request "
                           "will be refused (403) until it is.")

    def _signed_url(self, request: Request) -> str:
        if self._public_url:
            query = f"?{request.query_string}" if request.query_string else ""
            return f"{self._public_url}{request.path}{query}"
        return request.url

    def _is_signed(self, request: Request, params: Dict[str, str]) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not self._validator or not signature:
            return False
        return bool(self._validator.validate(self._signed_url(request), params, signature))

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
                return response.text("Forbidden: invalid or missing X-Twilio-Signature.",
                                     status=403)
            sender = params.get("From", "").strip()
            if not sender:
                return response.text("Bad request: missing From.", status=400)
            try:
                parts = await self._answer(sender, params, on_new_message, request)
            except Exception:
                logger.exception("SMS channel: could not answer sender %s", pseudonym(sender))
                parts = [ERROR_TEXT]
            return response.text(twiml(parts), content_type="application/xml")

        return sms

    async def _answer(self, sender: str, params: Dict[str, str],
                      on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      request: Request) -> List[str]:
        body = clean_text(params.get("Body", ""))
        keyword = body.lower().strip(" .!")
        if keyword in STOP_WORDS:
            self._state.set_opted_out(sender, True)
            return [stop_text()]
        if self._state.opted_out(sender):
            if keyword in START_WORDS:
                self._state.set_opted_out(sender, False)
                return [start_text()]
            return []  # opted out: carriers expect silence
        if keyword in HELP_WORDS:
            return [help_text()]
        if not body:
            has_media = int(params.get("NumMedia") or 0) > 0
            return [MEDIA_TEXT if has_media else EMPTY_TEXT]
        if len(body) > MAX_MESSAGE:
            return [too_long_text(MAX_MESSAGE)]
        text = self._chosen_option(sender, body) or as_command(body)
        collector = CollectingOutputChannel()
        await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                         metadata={"message_sid": params.get("MessageSid")}))
        parts, payloads = render(await or_apology(request, sender, collector.messages))
        self._state.set_options(sender, payloads)
        return parts

    def _chosen_option(self, sender: str, body: str) -> Optional[str]:
        """'2' after "Reply 1 for ..., 2 for ..." means the second option's payload."""
        if not body.isdigit():
            return None
        options = self._state.options(sender)
        index = int(body) - 1
        return options[index] if 0 <= index < len(options) else None
