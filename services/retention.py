"""The retention job: delete what is past its retention.

    python -m services.retention              # once (the RETENTION_DAYS settings)
    python -m services.retention --days N --booking-days M
    python -m services.retention --every 3600   # the job the launcher starts

Conversations: events older than RETENTION_DAYS (default 90). Bookings whose time, and
callback requests whose request, is older than BOOKING_RETENTION_DAYS (default 90).
The reasons for the defaults are in clinic/retention.py. 0 keeps everything. This is
the only place that deletes by age: the launcher starts it once per stack (also beside
several Rasa replicas), and it runs at start and then every --every seconds, each
run in a child process (the job keeps no Rasa in memory while it waits). A database
it cannot reach is tried again next time. Its output holds counts only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import List, Optional, Sequence

from clinic import retention


def purge(days: float, booking_days: float) -> List[str]:
    """Delete once; what was deleted, in lines for the log."""
    from clinic.booking.store import BookingStore
    from stores.tracker_store import ClinicTrackerStore

    lines = []
    if days > 0:
        deleted = ClinicTrackerStore().purge_older_than(days)
        lines.append(f"Deleted {deleted} conversation events older than {days:g} days.")
    if booking_days > 0:
        deleted = BookingStore().purge_older_than(booking_days)
        lines.append(
            f"Deleted {deleted} bookings and callback requests older than "
            f"{booking_days:g} days."
        )
    if days <= 0 and booking_days <= 0:
        lines.append("Retention is off (0 days): nothing deleted.")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.retention")
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
    parser.add_argument(
        "--every",
        type=float,
        default=0,
        help="run as a job: again every this many seconds (default: once)",
    )
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else retention.conversation_days()
    booking_days = (
        args.booking_days if args.booking_days is not None else retention.booking_days()
    )
    if not args.every:
        for line in purge(days, booking_days):
            print(f"Retention: {line}", flush=True)
        return 0
    once = [sys.executable, "-m", "services.retention", "--days", str(days),
            "--booking-days", str(booking_days)]  # fmt: skip
    while True:
        # a child per run: an unreachable database (its traceback goes to the log
        # as an error) is simply tried again next time
        if subprocess.run(once).returncode != 0:
            print(
                "Retention: could not delete this time; trying again later.", flush=True
            )
        time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())
