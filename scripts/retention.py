"""Delete what is past its retention (for a cron job; the servers also do it hourly).

    python -m scripts.retention            # RETENTION_DAYS / BOOKING_RETENTION_DAYS
    python -m scripts.retention --days N --booking-days M

Conversations: events older than RETENTION_DAYS (default 90). Bookings whose time, and
callback requests whose request, is older than BOOKING_RETENTION_DAYS (default 90).
The reasons for the defaults are in clinic/retention.py. 0 keeps everything.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from clinic import retention
from clinic.booking.store import BookingStore
from stores.tracker_store import ClinicTrackerStore


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.retention")
    parser.add_argument(
        "--days",
        type=float,
        default=None,
        help="conversations (default RETENTION_DAYS, else 90)",
    )
    parser.add_argument(
        "--booking-days",
        type=float,
        default=None,
        help="bookings and callbacks (default BOOKING_RETENTION_DAYS)",
    )
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else retention.conversation_days()
    booking_days = (
        args.booking_days if args.booking_days is not None else retention.booking_days()
    )
    if days > 0:
        deleted = ClinicTrackerStore().purge_older_than(days)
        print(f"Deleted {deleted} conversation events older than {days:g} days.")
    if booking_days > 0:
        deleted = BookingStore().purge_older_than(booking_days)
        print(
            f"Deleted {deleted} bookings and callback requests older than "
            f"{booking_days:g} days."
        )
    if days <= 0 and booking_days <= 0:
        print("Retention is off (0 days): nothing deleted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
