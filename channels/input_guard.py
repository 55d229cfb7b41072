"""Checks every channel applies to what a user sends, before Rasa sees it.

- Text: control and zero-width characters dropped, length capped (MAX_MESSAGE).
- Commands: only the buttons' payload forms: "/<intent>" for an intent of the domain,
  or '/<intent>{"<entity>": "<id>"}' with one entity of the domain and a plain id as
  its value (a slot value such as a condition id, never free text); no confidences.
  Anything else starting with "/" is refused with a polite answer, never echoed
  (stock Rasa would repeat it in a warning).
- Metadata: only the keys in ALLOWED_METADATA, short strings, so nothing a client
  invents is stored with the message or sent to the action server.
- Conversation ids: a REST sender may not take an id of a namespace another channel
  issues ("sms:", "web:"), so nobody can join an SMS or widget conversation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Mapping, Optional

from clinic import domain
from clinic.privacy import RESERVED_NAMESPACES

MAX_MESSAGE = 5000  # characters of one message
ALLOWED_METADATA = {"language"}  # the widget's only custom data
MAX_METADATA_VALUE = 32
# Rasa's own commands a channel may send
RASA_COMMANDS = frozenset({"restart"})
_COMMAND = re.compile(r'^/([a-z_]+)(?:\{"([a-z_]+)": ?"[a-z0-9_]{1,40}"\})?$')


def clean_text(text: str) -> str:
    """Drop control and zero-width characters (NUL included); keep every script."""
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"]
    return "".join(kept).strip()


@lru_cache(maxsize=1)
def known_commands() -> FrozenSet[str]:
    """The intents of the domain (domain/*.yml), plus Rasa's restart."""
    return domain.names("intents") | RASA_COMMANDS


@lru_cache(maxsize=1)
def known_entities() -> FrozenSet[str]:
    """The entities of the domain: the only ones a payload may carry."""
    return domain.names("entities")


def is_refused_command(text: str) -> bool:
    """A "/..." message that is not one of the assistant's own button payloads (also
    a bare "/faq", which has no topic: stock Rasa crashes answering it)."""
    if not text.startswith("/"):
        return False
    match = _COMMAND.match(text)
    return (
        match is None
        or match.group(1) not in known_commands()
        or (match.group(2) is not None and match.group(2) not in known_entities())
        or text == "/faq"
    )


def allowed_metadata(metadata: Optional[Mapping[str, Any]]) -> Dict[str, str]:
    """Only the allowed keys, as short strings."""
    if not isinstance(metadata, Mapping):
        return {}
    return {
        key: str(value)[:MAX_METADATA_VALUE]
        for key, value in metadata.items()
        if key in ALLOWED_METADATA and isinstance(value, (str, int, float))
    }


def is_reserved_sender(sender: str) -> bool:
    """An id of the SMS or widget namespace: issued by those channels only."""
    return sender.strip().lower().startswith(RESERVED_NAMESPACES)


# Plain words that restart the conversation (also after a handoff, when the
# assistant is quiet). Rasa only acts on the "/restart" command while paused.
RESTART_WORDS = {"restart", "start over", "start again", "reset", "/restart"}


def as_command(text: str) -> str:
    """'restart' -> '/restart'; any other text unchanged."""
    return "/restart" if text.lower().strip(" .!") in RESTART_WORDS else text
