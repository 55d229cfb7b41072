"""Turning bot messages into SMS: plain GSM-7 text, numbered options, 1,600-char parts.

Pure functions, unit-tested without a server.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Iterable, List, Sequence, Tuple
from xml.sax.saxutils import escape

from clinic.channel_texts import text as channel_text

MAX_MESSAGE = 1600  # Twilio's limit for one (concatenated) SMS
# GSM-7 sizes: one SMS holds 160 characters; a split one 153 per segment (the rest is
# the header that joins them), and each segment is billed.
SINGLE_SEGMENT = 160
SEGMENT = 153
_GSM7_EXTENSION = set("^{}\\[~]|€")  # two characters each (escape + character)

# Characters outside GSM-7 that have a plain equivalent.
_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\u2011": "-",
    "\u200b": "",
}
# The GSM 03.38 basic set (and the extension characters), for dropping the rest.
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ "
    "!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def gsm_safe(text: str) -> str:
    """Plain-text version that stays in GSM-7 (emoji and fancy punctuation removed)."""
    text = "".join(_PLAIN.get(ch, ch) for ch in text)
    out = []
    for ch in text:
        if ch in _GSM7:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append(base)  # "ç" -> "c"; emoji -> ""
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


def with_options(text: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """Append "Reply 1 for ..., 2 for ..." for the buttons a message offers."""
    if not buttons:
        return text
    options = ", ".join(
        channel_text("sms_option", number=i, title=b.get("title", ""))
        for i, b in enumerate(buttons, 1)
    )
    return f"{text}\n{channel_text('sms_options', options=options)}"


def segments(text: str) -> int:
    """How many billed segments a GSM-7 message takes."""
    length = len(text) + sum(ch in _GSM7_EXTENSION for ch in text)
    return 1 if length <= SINGLE_SEGMENT else -(-length // SEGMENT)


def split_message(text: str, limit: int = MAX_MESSAGE) -> List[str]:
    """Split on sentence (or line) boundaries into parts of at most `limit` chars."""
    if len(text) <= limit:
        return [text]
    pieces = re.split(r"(?<=[.!?])\s+|\n", text)
    parts: List[str] = []
    current = ""
    for piece in pieces:
        while len(piece) > limit:  # a single sentence longer than the limit
            cut = piece.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        candidate = f"{current} {piece}".strip() if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return [p for p in parts if p]


def render(messages: Iterable[Dict[str, Any]]) -> Tuple[List[str], List[str]]:
    """SMS parts for the bot's messages, and the payloads of the numbered options.

    Only the last message's buttons are numbered: a digit reply refers to the
    question asked last.
    """
    messages = [m for m in messages if m.get("text") or m.get("buttons")]
    parts: List[str] = []
    payloads: List[str] = []
    for index, message in enumerate(messages):
        buttons = message.get("buttons") or []
        last = index == len(messages) - 1
        text = with_options(message.get("text", ""), buttons if last else [])
        if last:
            payloads = [str(b.get("payload", "")) for b in buttons]
        parts.extend(split_message(gsm_safe(text)))
    return parts, payloads


def twiml(parts: Iterable[str]) -> str:
    """A TwiML answer with one <Message> per part (none: Twilio sends nothing)."""
    body = "".join(f"<Message>{escape(part)}</Message>" for part in parts)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'
