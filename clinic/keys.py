"""Secrets: from the environment, or generated once into the data folder.

Each secret has an environment variable (set it in production, where a secret manager
provides it) and a file name in the data folder. When the variable is unset, the file is
read; when the file is missing too, a random value is written to it (0600, created
exclusively, so two processes starting at once agree on one value). Rotating a secret
means replacing the variable or deleting the file and restarting (docs/reliability.md,
"Secrets").
"""

from __future__ import annotations

import os
import secrets as random_secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from clinic import paths


@dataclass(frozen=True)
class Secret:
    env_var: str
    file_name: str
    generate: Callable[[], str] = lambda: random_secrets.token_urlsafe(32)


def _fernet_key() -> str:
    """A Fernet key: 32 random bytes, url-safe base64 (what cryptography's Fernet
    takes)."""
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).decode()


# Rasa's HTTP API (conversations, model parse): the token staff and tools use.
API_TOKEN = Secret("RASA_API_TOKEN", "api-token")
# Sent by the Rasa server on every call to the action server, which refuses calls
# without it.
ACTION_SECRET = Secret("ACTION_SERVER_SECRET", "action-secret")
# Keys the pseudonyms: SMS conversation ids, phone numbers in logs, booking sender keys.
PSEUDONYM_KEY = Secret("CLINIC_PSEUDONYM_KEY", "pseudonym-key")
# Encrypts message text, slots and metadata in the conversation store (Fernet).
STORE_KEY = Secret("CLINIC_STORE_KEY", "store-key", _fernet_key)
# In the staff calendar feed's address (web/app.py): whoever has the address can read
# the bookings' names and times, so it is a secret like the others.
FEED_TOKEN = Secret("CLINIC_FEED_TOKEN", "calendar-feed-token")
ALL = (API_TOKEN, ACTION_SECRET, PSEUDONYM_KEY, STORE_KEY, FEED_TOKEN)


def value(secret: Secret, data_dir: Optional[Path] = None) -> str:
    """The secret's value: its environment variable, else its file (created if
    missing)."""
    from_env = os.environ.get(secret.env_var, "").strip()
    if from_env:
        return from_env
    path = path_of(secret, data_dir)
    existing = _read(path)
    if existing:
        return existing
    # Written to a private temporary file, then linked into place: linking fails if
    # another process got there first, and then its value is the one everybody uses.
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{secret.file_name}."
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secret.generate() + "\n")
        if path.exists():  # there but empty: replace it
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass
    finally:
        Path(temporary).unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def path_of(secret: Secret, data_dir: Optional[Path] = None) -> Path:
    return (data_dir or paths.data_dir()) / secret.file_name
