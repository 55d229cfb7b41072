"""How long the assistant keeps what patients tell it (both sides read this).

- Conversations (every message, encrypted, and the slots): RETENTION_DAYS, default 90
  days after each message, so a patient can come back to a conversation and staff can
  look into a complaint; "delete my data" erases one at once.
- Bookings and callback requests (name, contact, time, condition ids):
  BOOKING_RETENTION_DAYS, default 90 days after the appointment or the request. Staff
  need them until the consultation has happened and for follow-up questions about it;
  the clinic's clinical record of the consultation is kept in its own system, not here.
0 keeps everything (not recommended).

One job deletes what is past its retention, for both: services/retention.py, which the
launcher starts beside the servers and which runs every PURGE_EVERY_SECONDS.
"""

from __future__ import annotations

import os

DEFAULT_CONVERSATION_DAYS = 90
DEFAULT_BOOKING_DAYS = 90
PURGE_EVERY_SECONDS = 3600  # how often the retention job runs


def _days(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    days = int(raw)
    if days < 0:
        raise ValueError(f"{variable} must be 0 or more days, not {raw}")
    return days


def conversation_days() -> int:
    return _days("RETENTION_DAYS", DEFAULT_CONVERSATION_DAYS)


def booking_days() -> int:
    return _days("BOOKING_RETENTION_DAYS", DEFAULT_BOOKING_DAYS)
