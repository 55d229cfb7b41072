"""Delete conversation events older than the retention setting (for a daily cron job).

    python -m scripts.retention [--days N]     # default: RETENTION_DAYS, else 90

The Rasa server also does this itself at start-up and then hourly.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from stores.tracker_store import ClinicTrackerStore, retention_days


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.retention")
    parser.add_argument("--days", type=float, default=None)
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else retention_days()
    if days <= 0:
        print("Retention is off (0 days): nothing deleted.")
        return 0
    store = ClinicTrackerStore()
    print(
        f"Deleted {store.purge_older_than(days)} conversation events older than "
        f"{days:g} days."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
