"""Every setting the assistant reads from its environment, in one place, typed.

Each process reads its settings here, never `os.environ` directly: the variables, their
defaults and their checks live once. A setting is read when asked for (not cached), so
a test that changes the environment sees its change. A bad value fails with a message
that names the variable. Secrets (keys.py) and the test clock (clock.py) keep their
own readers: a secret may come from a file, and the clock is for tests only.

The Makefile asks for the ports here: `python -m clinic.settings rasa_port`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Callable, Optional, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


class SettingError(ValueError):
    """An environment variable with a value the assistant cannot use."""


def _read(name: str, parse: Callable[[str], T], default: T) -> T:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a valid value") from None


def _text(name: str) -> Optional[str]:
    return os.environ.get(name, "").strip() or None


def _port(raw: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise ValueError(raw)
    return port


def _not_negative(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _positive(kind: Callable[[str], T]) -> Callable[[str], T]:
    def parse(raw: str) -> T:
        value = kind(raw)
        if value <= 0:  # type: ignore[operator]
            raise ValueError(raw)
        return value

    return parse


@dataclass(frozen=True)
class Settings:
    """The environment, read once per call of `settings()`."""

    # where things are
    data_dir: Path  # CLINIC_DATA_DIR: conversations, bookings, generated secrets
    clinic_config: Path  # CLINIC_CONFIG: the clinic's facts (clinic.yml)
    database_url: Optional[str]  # DATABASE_URL: bookings (and conversations)
    tracker_database_url: Optional[str]  # TRACKER_DATABASE_URL: conversations only
    redis_url: Optional[str]  # REDIS_URL: the lock store of several replicas
    redis_lock_prefix: Optional[str]  # REDIS_LOCK_PREFIX
    # the processes and their ports (services/launch.py)
    rasa_port: int  # RASA_PORT: the public port
    rasa_replicas: Optional[int]  # RASA_REPLICAS: default one per core, at most 2
    replica_port: int  # REPLICA_PORT: the first replica's port on 127.0.0.1
    action_port: int  # ACTION_PORT
    action_server_host: str  # ACTION_SERVER_HOST: the action server's address
    action_server_url: Optional[str]  # ACTION_SERVER_URL: an action server elsewhere
    web_port: int  # WEB_PORT: the demo page and the calendar feed
    web_host: str  # WEB_HOST
    web_url: Optional[str]  # WEB_URL: the page's public address (the feed's link)
    web_origins: Optional[str]  # WEB_ORIGINS: pages allowed to open the chat
    rasa_socket_url: Optional[str]  # RASA_SOCKET_URL: where the page's chat connects
    # how long things are kept (clinic/retention.py)
    retention_days: int  # RETENTION_DAYS: conversations
    booking_retention_days: int  # BOOKING_RETENTION_DAYS: bookings and callbacks
    # limits
    store_timeout: float  # STORE_TIMEOUT: seconds a booking-store call may take
    action_timeout: int  # ACTION_TIMEOUT: seconds Rasa waits for a custom action
    conversation_cache_mb: float  # CONVERSATION_CACHE_MB
    # channels and senders
    sms_public_url: Optional[str]  # SMS_PUBLIC_URL: the URL Twilio calls
    twilio_auth_token: Optional[str]  # TWILIO_AUTH_TOKEN: SMS signatures, reminders
    twilio_account_sid: Optional[str]  # TWILIO_ACCOUNT_SID
    twilio_from: Optional[str]  # TWILIO_FROM
    twilio_api_url: Optional[str]  # TWILIO_API_URL (tests: a stand-in of Twilio)
    smtp_host: Optional[str]  # SMTP_HOST
    smtp_port: int  # SMTP_PORT
    smtp_from: Optional[str]  # SMTP_FROM
    smtp_user: Optional[str]  # SMTP_USER
    smtp_password: str  # SMTP_PASSWORD
    staff_token: Optional[str]  # CLINIC_STAFF_TOKEN: the review inbox's token


def settings() -> Settings:
    """The settings as the environment gives them now."""
    return Settings(
        data_dir=Path(_text("CLINIC_DATA_DIR") or ROOT / ".rasa"),
        clinic_config=Path(_text("CLINIC_CONFIG") or ROOT / "clinic.yml"),
        database_url=_text("DATABASE_URL"),
        tracker_database_url=_text("TRACKER_DATABASE_URL"),
        redis_url=_text("REDIS_URL"),
        redis_lock_prefix=_text("REDIS_LOCK_PREFIX"),
        rasa_port=_read("RASA_PORT", _port, 5005),
        rasa_replicas=_read("RASA_REPLICAS", _positive(int), None),
        replica_port=_read("REPLICA_PORT", _port, 5105),
        action_port=_read("ACTION_PORT", _port, 5055),
        action_server_host=_text("ACTION_SERVER_HOST") or "127.0.0.1",
        action_server_url=_text("ACTION_SERVER_URL"),
        web_port=_read("WEB_PORT", _port, 8080),
        web_host=_text("WEB_HOST") or "127.0.0.1",
        web_url=_text("WEB_URL"),
        web_origins=_text("WEB_ORIGINS"),
        rasa_socket_url=_text("RASA_SOCKET_URL"),
        retention_days=_read("RETENTION_DAYS", _not_negative, 90),
        booking_retention_days=_read("BOOKING_RETENTION_DAYS", _not_negative, 90),
        # two store attempts stay within ACTION_TIMEOUT
        store_timeout=_read("STORE_TIMEOUT", _positive(float), 4.0),
        action_timeout=_read("ACTION_TIMEOUT", _positive(int), 10),
        conversation_cache_mb=_read("CONVERSATION_CACHE_MB", float, 64.0),
        sms_public_url=_text("SMS_PUBLIC_URL"),
        twilio_auth_token=_text("TWILIO_AUTH_TOKEN"),
        twilio_account_sid=_text("TWILIO_ACCOUNT_SID"),
        twilio_from=_text("TWILIO_FROM"),
        twilio_api_url=_text("TWILIO_API_URL"),
        smtp_host=_text("SMTP_HOST"),
        smtp_port=_read("SMTP_PORT", _port, 25),
        smtp_from=_text("SMTP_FROM"),
        smtp_user=_text("SMTP_USER"),
        smtp_password=os.environ.get("SMTP_PASSWORD", ""),
        staff_token=_text("CLINIC_STAFF_TOKEN"),
    )


def main(argv: list[str]) -> int:
    """`python -m clinic.settings NAME`: one setting, for the Makefile."""
    names = [f.name for f in fields(Settings)]
    if len(argv) != 1 or argv[0] not in names:
        usage = f"usage: python -m clinic.settings {{{','.join(names)}}}"
        print(usage, file=sys.stderr)
        return 2
    value = getattr(settings(), argv[0])
    print("" if value is None else value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
