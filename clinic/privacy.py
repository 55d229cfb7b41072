"""Keep health details and message text out of every log line.

Installed as a log-record factory, so it covers all loggers (Rasa's, Sanic's,
ours) whatever handlers Rasa or coloredlogs set up later. It removes:
- the text of user messages where Rasa prints it ("Received user message '...'",
  `'text': '...'` in dumped events and parse data);
- every word of the clinic's health list (contraindications.yml phrases and
  condition ids), as a safety net for anything else that echoes input;
- the same in formatted tracebacks (exception frames can carry the message).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from functools import lru_cache
from typing import Any, Callable, Pattern

from clinic import keys

REDACTED = "[redacted]"
_USER_MESSAGE = re.compile(r"(Received user message )'.*?'( with intent)", re.S)
# dialogue states and event reprs:
# "user text: ... | previous action", "UserUttered(text: ..., intent"
_STATE_TEXT = re.compile(
    r"((?:user text|UserUttered\(text): ).*?(?= \| |, intent|\\n|\n|\"|$)", re.M
)
_TEXT_FIELD = re.compile(
    r"""(["']?(?:text|message|user_message|parse_data_text|utter_text|summary)["']?\s*[:=]\s*)"""
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""",
    re.S,
)
# E.164 phone numbers (SMS sender ids) are replaced by a stable pseudonym.
_PHONE = re.compile(r"(?<![\w+])\+\d{8,15}(?!\d)")
# Personal details the booking forms collect: e-mail addresses anywhere, and the
# values of the name/contact slots wherever Rasa prints slots or SlotSet events.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PERSONAL_SLOT = re.compile(
    r"""((?:patient_name|patient_contact|manage_contact|contact_shown)["']?"""
    r"""(?:\s*[:=]\s*|, value: ))"""
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,)\n}]*)"""
)
# The bot's own words can repeat what the patient gave (the booking summary).
_BOT_UTTERED = re.compile(r"(BotUttered\()(['\"])(?:(?!\2).|\\.)*?\2", re.S)
_SUMMARY_NAME = re.compile(r"(- Name: )(?:(?!\\n|\n|\\\"|\").)*")
# API tokens in URLs (?token=...) and bearer secrets in headers
_TOKEN = re.compile(r"((?:token|auth_token|secret)=|Bearer\s+)[^&\s'\"]+", re.I)
_installed = False


SMS_NAMESPACE = "sms:"
WIDGET_NAMESPACE = "web:"
# Conversation ids no REST sender may take: the channels that own them issue them.
RESERVED_NAMESPACES = (SMS_NAMESPACE, WIDGET_NAMESPACE)


def _keyed(purpose: str, value: str) -> str:
    """HMAC-SHA256 with the pseudonym key: stable, and not reversible without the key
    (an unkeyed hash of a phone number is, by trying every number)."""
    return hmac.new(
        _pseudonym_key(), f"{purpose}:{value}".encode(), hashlib.sha256
    ).hexdigest()


@lru_cache(maxsize=1)
def _pseudonym_key() -> bytes:
    return keys.value(keys.PSEUDONYM_KEY).encode()


def pseudonym(value: str) -> str:
    """Stable keyed pseudonym of an identifier, for logs and booking records."""
    return _keyed("pseudonym", value)[:20]


def sms_conversation_id(number: str) -> str:
    """The conversation id of an SMS number: `sms:` and a keyed hash, never the
    number."""
    return SMS_NAMESPACE + _keyed("sms-conversation", number.strip())[:32]


@lru_cache(maxsize=1)
def _health_words() -> Pattern[str]:
    from clinic.screening.conditions import all_conditions, crisis_list

    words = set(crisis_list().phrases)
    for condition in all_conditions():
        words.add(condition.id.replace("_", " "))
        words.add(condition.id)
        words.update(condition.phrases)
        words.update(condition.exact)
    alternatives = sorted((re.escape(w) for w in words if w), key=len, reverse=True)
    # whole words, with simple plural/verb endings ("clots", "swollen"); "_" and "/"
    # count as boundaries so names like utter_screen_pregnancy are caught too
    return re.compile(
        r"(?i)(?<![a-z0-9])(?:{})(?:s|es|ed|ing)?(?![a-z0-9])".format(
            "|".join(alternatives)
        )
    )


def redact(text: str) -> str:
    text = _TOKEN.sub(rf"\1{REDACTED}", text)
    text = _USER_MESSAGE.sub(rf"\1'{REDACTED}'\2", text)
    text = _STATE_TEXT.sub(rf"\1{REDACTED}", text)
    text = _TEXT_FIELD.sub(rf"\1'{REDACTED}'", text)
    text = _BOT_UTTERED.sub(rf"\1'{REDACTED}'", text)
    text = _SUMMARY_NAME.sub(rf"\1{REDACTED}", text)
    text = _PERSONAL_SLOT.sub(rf"\1{REDACTED}", text)
    text = _EMAIL.sub(REDACTED, text)
    text = _PHONE.sub(lambda m: f"tel#{pseudonym(m.group(0))}", text)
    return _health_words().sub(REDACTED, text)


def _redacting_factory(
    base: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
            if record.exc_info:
                record.exc_text = redact(
                    logging.Formatter().formatException(record.exc_info)
                )
                record.exc_info = None
        except Exception:  # never lose a log line, but never leak it either
            record.msg, record.args, record.exc_info = (
                f"{REDACTED} (log line)",
                (),
                None,
            )
        return record

    return factory


def install_log_redaction() -> None:
    """Idempotent: install the redacting record factory once per process."""
    global _installed
    if _installed:
        return
    logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
    _installed = True
