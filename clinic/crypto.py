"""Encryption at rest for what patients write: Fernet (AES-128-CBC with an HMAC), keyed
by CLINIC_STORE_KEY (or the key generated once into the data folder, clinic/keys.py).

Used by the conversation store (every event's text, slots and metadata) and by the
outbox (requests waiting for the database). Several keys may be given, comma-separated,
newest first: data is written with the first and read with any, so a key can be
rotated without losing what is stored (docs/reliability.md, "Secrets").
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from clinic import keys

__all__ = ["InvalidToken", "decrypt", "encrypt"]


@lru_cache(maxsize=1)
def _box() -> MultiFernet:
    values = [v.strip() for v in keys.value(keys.STORE_KEY).split(",") if v.strip()]
    return MultiFernet([Fernet(v.encode()) for v in values])


def encrypt(text: str) -> str:
    return _box().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text; InvalidToken when the key is wrong or the data was changed."""
    return _box().decrypt(token.encode("ascii")).decode("utf-8")
