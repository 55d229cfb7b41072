"""Checks every channel applies to what a user sends, before Rasa sees it."""

from __future__ import annotations

import re
import unicodedata

# "/faq" as a payload has no topic: stock Rasa crashes answering it.
_BARE_RETRIEVAL_PAYLOAD = re.compile(r"^/faq(?![/\w])")


def clean_text(text: str) -> str:
    """Drop control and zero-width characters (NUL included); keep every script."""
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"]
    return "".join(kept).strip()


def is_unanswerable_payload(text: str) -> bool:
    return bool(_BARE_RETRIEVAL_PAYLOAD.match(text))


# Plain words that restart the conversation (also after a handoff, when the
# assistant is quiet). Rasa only acts on the "/restart" command while paused.
RESTART_WORDS = {"restart", "start over", "start again", "reset", "/restart"}


def as_command(text: str) -> str:
    """'restart' -> '/restart'; any other text unchanged."""
    return "/restart" if text.lower().strip(" .!") in RESTART_WORDS else text
