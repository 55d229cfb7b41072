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

from clinic.settings import settings

PURGE_EVERY_SECONDS = 3600  # how often the retention job runs


def conversation_days() -> int:
    """RETENTION_DAYS (clinic/settings.py; 90 by default)."""
    return settings().retention_days


def booking_days() -> int:
    """BOOKING_RETENTION_DAYS (clinic/settings.py; 90 by default)."""
    return settings().booking_retention_days
