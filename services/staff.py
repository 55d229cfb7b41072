"""Staff tool: the day, open bookings and callback requests, mark them handled, export
CSV, the calendar feed's address.

    python -m services.staff day [--day ...]   # open times, bookings, reminders
    python -m services.staff feed-url          # the calendar feed to subscribe to
    python -m services.staff review [--list]   # what the assistant could not answer
    python -m services.staff list [--day today|tomorrow|YYYY-MM-DD] [--all]
    python -m services.staff handled RV-7K3Q [CB-2MPX ...]
    python -m services.staff export [--day ...] [--all] [--out bookings.csv]

(`make staff` shows the day; `make staff ARGS="list --day today"` runs `list`.) It
reads DATABASE_URL like the
action server, and first saves any requests kept in the outbox while the database was
down. Health details are limited to the screen's condition ids.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, datetime, time, timedelta, timezone
from typing import List, Optional, Sequence, TextIO

from clinic import clock, facts, keys
from clinic.booking import outbox
from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.reminders import Reminders
from clinic.booking.store import BookingStore, NotFound, Record, StoreUnavailable
from clinic.booking.validation import MODES, mode_label
from clinic.booking.wording import shown_contact
from clinic.settings import settings
from services import review

COLUMNS = (
    "reference",
    "kind",
    "when",
    "name",
    "contact",
    "what",
    "flags",
    "status",
    "channel",
)


def parse_day(text: Optional[str], today: date) -> Optional[date]:
    if not text:
        return None
    words = {
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "yesterday": today - timedelta(days=1),
    }
    if text.lower() in words:
        return words[text.lower()]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--day: use today, tomorrow or YYYY-MM-DD, not {text!r}"
        ) from None


def row(record: Record) -> dict:
    tz = facts.time_zone()
    moment = record.starts_at if record.kind == "booking" else record.created_at
    when = moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")
    if record.kind == "booking":
        what = "consultation " + mode_label(record.mode)
        flags = []
        if record.with_physio:
            flags.append("physio; check: " + (" ".join(record.condition_ids) or "-"))
        if not record.time_confirmed:
            flags.append("time to confirm")
    else:
        what = "callback: " + record.reason
        flags = [f"call {record.call_when}"] if record.call_when else []
    return {
        "reference": record.reference,
        "kind": record.kind,
        "when": when,
        "name": record.name,
        "contact": shown_contact(record.contact),
        "what": what,
        "flags": "; ".join(flags),
        "status": record.status,
        "channel": record.channel,
    }


def table(rows: List[dict], out: TextIO) -> None:
    if not rows:
        out.write("Nothing open.\n")
        return
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in COLUMNS}
    out.write("  ".join(c.upper().ljust(widths[c]) for c in COLUMNS).rstrip() + "\n")
    out.write("  ".join("-" * widths[c] for c in COLUMNS) + "\n")
    for r in rows:
        out.write("  ".join(r[c].ljust(widths[c]) for c in COLUMNS).rstrip() + "\n")


def flush_outbox(store: BookingStore, err: TextIO) -> None:
    try:
        availability = facts.availability()
        book = AppointmentBook(store, availability) if availability else None
        saved = outbox.flush(store, book=book)
        if saved:
            err.write(f"Saved {saved} request(s) kept while the database was down.\n")
    except StoreUnavailable:
        err.write(
            f"Warning: {len(outbox.pending())} request(s) wait in the outbox "
            f"({outbox.outbox_dir()}) until the database is reachable.\n"
        )
        raise


def write_csv(rows: List[dict], target: TextIO) -> None:
    writer = csv.DictWriter(target, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def feed_url() -> str:
    """The calendar feed's address, with its secret token (web/app.py serves it)."""
    config = settings()
    base = config.web_url or f"http://localhost:{config.web_port}"
    token = keys.value(keys.FEED_TOKEN)
    return f"{base.rstrip('/')}/staff/calendar/{token}/bookings.ics"


def the_day(store: BookingStore, day: date, out: TextIO) -> None:
    """What staff need for one day: the open times left, the bookings, reminders
    without a confirmation, and replies that wait for a person."""
    zone = facts.time_zone()
    out.write(f"{day:%A, %B} {day.day} ({zone})\n\n")
    availability = facts.availability()
    if availability is not None:
        if availability.placeholder:
            out.write(
                "Note: clinic.yml's appointments still hold placeholders "
                "(placeholder: true).\n"
            )
        book = AppointmentBook(store, availability)
        start = datetime.combine(day, time(0), tzinfo=zone)
        now = clock.now(zone)
        out.write("Open times left:\n")
        for mode in MODES:
            if not availability.offers(mode):
                continue
            left = book.open_times(
                mode, now, start=start, end=start + timedelta(days=1), limit=100
            )
            shown = ", ".join(f"{t.astimezone(zone):%H:%M}" for t in left) or "none"
            out.write(f"  {mode_label(mode)}: {shown}\n")
        out.write("\n")
    out.write("Bookings:\n")
    table([row(r) for r in store.open_records(day=day, tz=zone)], out)
    if availability is None:
        return
    reminders = Reminders(store, availability)
    waiting = reminders.unconfirmed()
    out.write("\nReminders without a confirmation:\n")
    if not waiting:
        out.write("  none\n")
    for item in waiting:
        starts = item["starts_at"]
        starts = starts if starts.tzinfo else starts.replace(tzinfo=timezone.utc)
        out.write(
            f"  {item['booking_reference']}  {starts.astimezone(zone):%a %m-%d %H:%M}"
            f"  {item['name']}  reminder {item['status']}\n"
        )
    replies = reminders.open_replies()
    out.write("\nReplies that need a person:\n")
    if not replies:
        out.write("  none\n")
    for reply in replies:
        received = reply["received_at"].astimezone(zone)
        out.write(f"  {reply['reference']}  {received:%m-%d %H:%M}  {reply['text']}\n")


def main(
    argv: Optional[Sequence[str]] = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.staff", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "export"):
        command = commands.add_parser(name)
        command.add_argument(
            "--day", help="today, tomorrow or YYYY-MM-DD (clinic time zone)"
        )
        command.add_argument(
            "--all", action="store_true", help="include handled and cancelled"
        )
        if name == "export":
            command.add_argument("--out", help="CSV file (default: standard output)")
    handled = commands.add_parser("handled")
    handled.add_argument("references", nargs="+")
    day_view = commands.add_parser("day")
    day_view.add_argument("--day", help="today (default), tomorrow or YYYY-MM-DD")
    commands.add_parser("feed-url")
    review.add_arguments(commands.add_parser("review"))
    args = parser.parse_args(argv)
    if args.command == "review":
        return review.run(args, out, err)
    if args.command == "feed-url":
        out.write(feed_url() + "\n")
        return 0

    store = BookingStore()
    try:
        flush_outbox(store, err)
        if args.command == "handled":
            status = 0
            for reference in args.references:
                try:
                    record = store.mark_handled(reference)
                    out.write(f"{record.reference}: marked handled\n")
                except NotFound:
                    err.write(
                        f"{reference}: no open booking or callback with that "
                        f"reference\n"
                    )
                    status = 1
            return status
        today = clock.now(facts.time_zone()).date()
        try:
            day = parse_day(args.day, today)
        except argparse.ArgumentTypeError as error:
            parser.error(str(error))
        if args.command == "day":
            the_day(store, day or today, out)
            return 0
        records = store.open_records(
            day=day, tz=facts.time_zone(), include_handled=args.all
        )
        rows = [row(r) for r in records]
        if args.command == "list":
            table(rows, out)
            return 0
        if not args.out:
            write_csv(rows, out)
            return 0
        with open(args.out, "w", newline="", encoding="utf-8") as target:
            write_csv(rows, target)
        err.write(f"Wrote {len(rows)} row(s) to {args.out}\n")
        return 0
    except StoreUnavailable:
        err.write(
            "Error: the database is unreachable (check DATABASE_URL). Nothing was "
            "changed.\n"
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
