"""Appointment reminders: kept in the database, each sent exactly once, and the
patient's reply to it.

A booking's reminder is written with the booking (appointment_book.py), due
`reminder_hours_before` its start, by SMS for a phone contact and by e-mail for an
e-mail one. One sender process (services/reminders.py) sends what is due:
- it claims a reminder by moving it from "pending" to "sending" in one conditional
  update, so two senders (or a restarted one) never take the same reminder;
- after sending, "sent"; a claim left in "sending" by a sender that stopped is marked
  "unknown" and shown to staff, never sent again (a second text is worse than a
  missing one, and staff can call);
- nothing goes out in the clinic's quiet hours: a reminder due then is sent when they
  end, if that is still before the appointment, else skipped; a number that sent STOP
  is skipped (the caller checks: the opt-out list belongs to the SMS channel).
The reply ("C"/"yes" confirms, "X" cancels the booking outside the late window,
anything else goes to staff, encrypted) is recorded here too. "Cancel" is not a
reply: carriers (Twilio among them) read it as an opt-out, like STOP, and so does the
SMS channel (channels/sms.py), before any reply is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Literal, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from clinic import crypto
from clinic.booking import slots
from clinic.booking.availability import Availability
from clinic.booking.store import (
    BookingStore,
    bookings,
    reminder_replies,
    reminders,
)

STALE_CLAIM = timedelta(minutes=10)  # a "sending" claim older than this is "unknown"
CONFIRM_WORDS = {"c", "yes", "y", "confirm", "confirmed"}
CANCEL_WORDS = {"x"}  # never "cancel": an opt-out word for carriers

Outcome = Literal["confirmed", "cancelled", "late", "noted"]


@dataclass(frozen=True)
class Due:
    """A claimed reminder and what its message needs."""

    id: int
    reference: str
    channel: str  # "sms" | "email"
    contact: str
    name: str
    mode: str
    starts_at: datetime


def due_time(starts_at: datetime, availability: Availability) -> datetime:
    """When a reminder for `starts_at` should go: the configured time before it."""
    return slots.instant(starts_at) - availability.reminder_before


def schedule(
    conn: Connection, reference: str, contact: str, starts_at: datetime, a: Availability
) -> None:
    """Write (or, for a moved booking, rewrite) the booking's reminder in the caller's
    transaction: pending again, with no reply."""
    conn.execute(reminders.delete().where(reminders.c.booking_reference == reference))
    conn.execute(
        reminders.insert().values(
            booking_reference=reference,
            channel="email" if "@" in contact else "sms",
            due_at=due_time(starts_at, a),
            status="pending",
        )
    )


class Reminders:
    """The reminder table, for the sender, the SMS channel and the staff tool."""

    def __init__(self, store: BookingStore, availability: Availability) -> None:
        self.store = store
        self.availability = availability

    # ---------------------------------------------------------------- sender
    def claim_due(self, now: datetime, limit: int = 20) -> List[Due]:
        """Take the reminders that are due now, each at most once across senders.
        In quiet hours none; one whose appointment has begun (or would before the
        quiet hours end) is skipped."""
        self.store.ensure_schema()
        now = slots.instant(now)
        with self.store.guard(), self.store.engine.begin() as conn:
            conn.execute(
                reminders.update()
                .where(
                    reminders.c.status == "sending",
                    reminders.c.claimed_at < now - STALE_CLAIM,
                )
                .values(status="unknown")
            )
        if slots.in_quiet_hours(now, self.availability):
            self._skip_past_due(now)
            return []
        rows = self._due_rows(now, limit)
        claimed: List[Due] = []
        for row in rows:
            if row.starts_at <= now or row.booking_status != "open":
                self._set(row.id, "pending", "skipped")
                continue
            if self._set(row.id, "pending", "sending", claimed_at=now):
                claimed.append(
                    Due(
                        row.id,
                        row.booking_reference,
                        row.channel,
                        row.contact,
                        row.name,
                        row.mode,
                        row.starts_at,
                    )
                )
        return claimed

    def mark_sent(self, due: Due, now: datetime) -> None:
        self._set(due.id, "sending", "sent", sent_at=slots.instant(now))

    def mark_skipped(self, due: Due) -> None:
        """Not sent and never to be (the number sent STOP)."""
        self._set(due.id, "sending", "skipped")

    def release(self, due: Due) -> None:
        """Sending failed before anything went out (the provider refused the
        request): due again at the next round."""
        self._set(due.id, "sending", "pending", claimed_at=None)

    # ---------------------------------------------------------------- replies
    def reply(self, reference: str, text: str, now: datetime) -> Outcome:
        """Act on the patient's reply to the reminder of booking `reference`."""
        word = text.strip().lower().strip(" .!")
        if word in CONFIRM_WORDS:
            self._replied(reference, "confirmed", now)
            return "confirmed"
        if word in CANCEL_WORDS:
            record = self.store.find_booking(reference)
            if record is None or record.starts_at is None or record.status != "open":
                return self._note(reference, text, now)
            if slots.within_late_cancel(record.starts_at, now, self.availability):
                self._note(reference, text, now)
                return "late"
            self.store.cancel_booking(reference)
            self._replied(reference, "cancelled", now)
            return "cancelled"
        return self._note(reference, text, now)

    def open_replies(self) -> List[Dict[str, Any]]:
        """Replies that need a person, oldest first (text decrypted, for staff)."""
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.connect() as conn:
            rows = conn.execute(
                reminder_replies.select()
                .where(reminder_replies.c.handled.is_(False))
                .order_by(reminder_replies.c.received_at)
            ).all()
        return [
            {
                "reference": r.booking_reference,
                "text": crypto.decrypt(r.text),
                "received_at": r.received_at,
            }
            for r in rows
        ]

    def status_of(self, reference: str) -> Optional[Dict[str, Any]]:
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.connect() as conn:
            row = conn.execute(
                reminders.select().where(reminders.c.booking_reference == reference)
            ).first()
        return dict(row._mapping) if row else None

    def unconfirmed(self) -> List[Dict[str, Any]]:
        """Reminders of open bookings without a confirmation: not yet sent, sent and
        unanswered, or in doubt ("unknown"), for the staff tool."""
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(reminders, bookings.c.name, bookings.c.starts_at)
                .join(bookings, bookings.c.reference == reminders.c.booking_reference)
                .where(
                    bookings.c.status == "open",
                    reminders.c.reply.is_(None),
                    reminders.c.status.in_(("pending", "sending", "sent", "unknown")),
                )
                .order_by(bookings.c.starts_at)
            ).all()
        return [dict(r._mapping) for r in rows]

    # ---------------------------------------------------------------- helpers
    def _due_rows(self, now: datetime, limit: int) -> List[sa.Row]:
        with self.store.guard(), self.store.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(
                        reminders.c.id,
                        reminders.c.booking_reference,
                        reminders.c.channel,
                        bookings.c.contact,
                        bookings.c.name,
                        bookings.c.mode,
                        bookings.c.starts_at,
                        bookings.c.status.label("booking_status"),
                    )
                    .join(
                        bookings, bookings.c.reference == reminders.c.booking_reference
                    )
                    .where(reminders.c.status == "pending", reminders.c.due_at <= now)
                    .order_by(reminders.c.due_at)
                    .limit(limit)
                )
            )

    def _skip_past_due(self, now: datetime) -> None:
        """In quiet hours: a due reminder whose appointment comes before they end
        cannot go out in time."""
        ends = slots.instant(slots.after_quiet_hours(now, self.availability))
        with self.store.guard(), self.store.engine.begin() as conn:
            late = sa.select(bookings.c.reference).where(bookings.c.starts_at <= ends)
            conn.execute(
                reminders.update()
                .where(
                    reminders.c.status == "pending",
                    reminders.c.due_at <= now,
                    reminders.c.booking_reference.in_(late),
                )
                .values(status="skipped")
            )

    def _set(self, reminder_id: int, old: str, new: str, **values: object) -> bool:
        """Compare-and-set: True only for the one caller that moved it from `old`."""
        with self.store.guard(), self.store.engine.begin() as conn:
            changed = conn.execute(
                reminders.update()
                .where(reminders.c.id == reminder_id, reminders.c.status == old)
                .values(status=new, **values)
            ).rowcount
        return bool(changed == 1)

    def _replied(self, reference: str, reply: str, now: datetime) -> None:
        with self.store.guard(), self.store.engine.begin() as conn:
            conn.execute(
                reminders.update()
                .where(reminders.c.booking_reference == reference)
                .values(reply=reply, replied_at=slots.instant(now))
            )

    def _note(self, reference: str, text: str, now: datetime) -> Outcome:
        with self.store.guard(), self.store.engine.begin() as conn:
            conn.execute(
                reminder_replies.insert().values(
                    booking_reference=reference,
                    text=crypto.encrypt(text),
                    received_at=slots.instant(now),
                    handled=False,
                )
            )
        return "noted"
