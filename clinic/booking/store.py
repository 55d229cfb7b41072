"""Bookings and callback requests, stored with SQLAlchemy.

One small schema (eight tables, prefixed `clinic_` so they can share a database with
Rasa's tracker store): a SQLite file by default, PostgreSQL when DATABASE_URL is set.
Tables are created, and later versions migrated, the first time a store connects.

Every write carries a `request_key` chosen by the caller (one per booking or callback
request): saving the same request twice returns the first record, so a retried action
or a duplicated message never creates two bookings. Health details are limited to the
condition ids of the safety screen.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from clinic import paths
from clinic.settings import settings
from clinic.sqlite import sqlite_engine

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: 32 = 5 bits
REFERENCE_LENGTH = 8  # 40 bits, read aloud as two groups: RV-7K3Q-M2XP
SCHEMA_VERSION = 6
# Wrong reference-and-contact pairs before a conversation or a reference is locked,
# and for how long (kept in the database, so every replica and a restart share it).
MAX_FAILED_CHECKS = 5
LOCK_HOURS = 24


class UtcDateTime(sa.types.TypeDecorator):
    """An instant, stored in UTC and always read back aware (SQLite hands datetimes
    back naive; PostgreSQL in the session's zone): every table's times are this one
    type, so no code converts them on the way in or out. A naive value is refused."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a time without a zone cannot be stored: {value!r}")
        return value.astimezone(timezone.utc)  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)  # type: ignore[no-any-return]
        return value.astimezone(timezone.utc)  # type: ignore[no-any-return]


metadata = sa.MetaData()
schema_version = sa.Table(
    "clinic_schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
)


def _request_table(name: str, *own: sa.Column) -> sa.Table:
    """A table of patients' requests: what bookings and callbacks share, and their own
    columns."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("request_key", sa.String(64), nullable=False, unique=True),
        sa.Column("sender_key", sa.String(64), nullable=False, index=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        *own,
        sa.Column("status", sa.String(16), nullable=False, default="open", index=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


bookings = _request_table(
    "clinic_bookings",
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("time_confirmed", sa.Boolean, nullable=False),
    sa.Column("with_physio", sa.Boolean, nullable=False),
    sa.Column("condition_ids", sa.String(400), nullable=False, default=""),
)
callbacks = _request_table(
    "clinic_callbacks",
    sa.Column("reason", sa.String(200), nullable=False),
    # when the patient asked to be called ("Tue 8 Dec, after 2:00 PM"; "" if not said)
    sa.Column(
        "call_when", sa.String(80), nullable=False, default="", server_default=""
    ),
)
# Failed reference-and-contact checks, per conversation and per reference.
attempts = sa.Table(
    "clinic_attempts",
    metadata,
    sa.Column(
        "key", sa.String(96), primary_key=True
    ),  # "conversation:..." / "reference:..."
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("first_at", UtcDateTime(), nullable=False),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
)


def _longer_references(conn: sa.engine.Connection) -> None:
    """Version 2: references of 8 characters (40 bits) instead of 4; the attempts
    table is created by create_all."""
    if conn.dialect.name == "postgresql":
        for table in ("clinic_bookings", "clinic_callbacks"):
            conn.execute(
                sa.text(f"ALTER TABLE {table} ALTER COLUMN reference TYPE VARCHAR(16)")
            )


# Consultation times held or booked (appointment_book.py writes them; a booking's
# claim goes when the booking is cancelled, forgotten or purged).
claims = sa.Table(
    "clinic_slot_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("seat", sa.Integer, nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False),
    # the consultation and its buffers: what no other claim on the seat may overlap
    sa.Column("blocked_from", UtcDateTime(), nullable=False, index=True),
    sa.Column("blocked_until", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # "hold" | "booking"
    sa.Column("holder_key", sa.String(64), nullable=False, index=True),
    sa.Column("booking_reference", sa.String(16), nullable=True, unique=True),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("mode", "seat", "starts_at", name="clinic_slot_claims_seat"),
)
EXCLUSION = (
    "ALTER TABLE clinic_slot_claims ADD CONSTRAINT clinic_slot_claims_no_overlap "
    "EXCLUDE USING gist (mode WITH =, seat WITH =, "
    "tstzrange(blocked_from, blocked_until) WITH &&)"
)


def _no_overlap_on_postgresql(conn: sa.engine.Connection) -> None:
    """Version 3 (and every new claims table): PostgreSQL refuses two overlapping
    claims on one seat by itself."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
    present = conn.execute(
        sa.text(
            "SELECT 1 FROM pg_constraint "
            "WHERE conname = 'clinic_slot_claims_no_overlap'"
        )
    ).first()
    if not present:
        conn.execute(sa.text(EXCLUSION))


# One reminder per booking (reminders.py): when it is due, how it goes, whether it
# went out, and the patient's reply to it.
reminders = sa.Table(
    "clinic_reminders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("booking_reference", sa.String(16), nullable=False, unique=True),
    sa.Column("channel", sa.String(8), nullable=False),  # "sms" | "email"
    sa.Column("due_at", UtcDateTime(), nullable=False, index=True),
    # pending -> sending -> sent; unknown (a sender stopped mid-send: never resent,
    # staff see it); skipped (too late, or the number sent STOP); cancelled
    sa.Column("status", sa.String(12), nullable=False, index=True),
    sa.Column("claimed_at", UtcDateTime(), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("reply", sa.String(12), nullable=True),  # confirmed | cancelled
    sa.Column("replied_at", UtcDateTime(), nullable=True),
)
# Replies to a reminder that were neither "confirm" nor "cancel": for a person.
# The text is encrypted like the conversations (it may name a health detail).
reminder_replies = sa.Table(
    "clinic_reminder_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("booking_reference", sa.String(16), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("handled", sa.Boolean, nullable=False, default=False),
)


# What the assistant could not answer, for staff to label (clinic/review.py). The
# text and the guesses are encrypted like the conversations; the sender is a keyed
# pseudonym ("forget me" finds it), never a contact or an id.
review_items = sa.Table(
    "clinic_review_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_key", sa.String(64), nullable=False, index=True),
    sa.Column("reason", sa.String(24), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("guesses", sa.Text, nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("status", sa.String(12), nullable=False, index=True),  # pending|labelled
    sa.Column("label", sa.String(64), nullable=True),
    sa.Column("reviewed_at", UtcDateTime(), nullable=True),
)


@sa.event.listens_for(claims, "after_create")
def _claims_created(_: sa.Table, conn: sa.engine.Connection, **__: Any) -> None:
    _no_overlap_on_postgresql(conn)


def _callback_times(conn: sa.engine.Connection) -> None:
    """Version 6: when a patient asked to be called back."""
    conn.execute(
        sa.text(
            "ALTER TABLE clinic_callbacks "
            "ADD COLUMN call_when VARCHAR(80) NOT NULL DEFAULT ''"
        )
    )


# Later schema changes go here as {version: function(connection)}; each runs once.
MIGRATIONS: Dict[int, Callable[[sa.engine.Connection], None]] = {
    2: _longer_references,
    3: _no_overlap_on_postgresql,
    4: lambda conn: None,  # the reminder tables: new tables, made by create_all
    5: lambda conn: None,  # the review inbox: a new table, made by create_all
    6: _callback_times,
}


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or written right now (the request was not
    saved)."""


class NotFound(LookupError):
    """No open record with that reference."""


@dataclass
class BookingRequest:
    """What the booking form collected; `request_key` makes saving idempotent."""

    request_key: str
    sender_key: str
    channel: str
    name: str
    contact: str
    mode: str
    starts_at: datetime
    time_confirmed: bool = True
    with_physio: bool = False
    condition_ids: Sequence[str] = field(default_factory=list)


@dataclass
class CallbackRequest:
    request_key: str
    sender_key: str
    channel: str
    name: str
    contact: str
    reason: str
    call_when: str = ""  # when to call, if the patient said ("after 2:00 PM")


@dataclass
class Record:
    """A booking or a callback request as staff and patients see it."""

    kind: str  # "booking" | "callback"
    reference: str
    name: str
    contact: str
    status: str
    created_at: datetime
    channel: str
    mode: str = ""
    starts_at: Optional[datetime] = None
    time_confirmed: bool = True
    with_physio: bool = False
    condition_ids: List[str] = field(default_factory=list)
    reason: str = ""
    call_when: str = ""


def new_reference(prefix: str) -> str:
    """'RV-7K3Q-M2XP': 40 random bits, no 0/O or 1/I, easy to read aloud."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def normalise_reference(text: str) -> str:
    """'rv 7k3q m2xp', 'RV7K3QM2XP' -> 'RV-7K3Q-M2XP' (what patients type back).
    References of the first version (RV-7K3Q) are still read."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(compact) == 2 + REFERENCE_LENGTH:
        return f"{compact[:2]}-{compact[2:6]}-{compact[6:]}"
    if len(compact) == 6:
        return f"{compact[:2]}-{compact[2:]}"
    return text.strip().upper()


def reference_in(text: str, prefix: str = "RV") -> Optional[str]:
    """The first reference in a patient's message, normalised ("my ref is rv 7k3q
    m2xp" -> 'RV-7K3Q-M2XP'), or None. The format is this module's: the prefix, then
    two groups of REFERENCE_LENGTH / 2 (the first version had one group)."""
    group = f"[A-Z0-9]{{{REFERENCE_LENGTH // 2}}}"
    pattern = rf"\b{prefix}[\s-]?{group}(?:[\s-]?{group})?\b"
    match = re.search(pattern, text or "", re.IGNORECASE)
    return normalise_reference(match.group(0)) if match else None


def database_url() -> str:
    return settings().database_url or paths.sqlite_url("clinic.sqlite")


def make_engine(url: str) -> Engine:
    """Short timeouts: a patient waits for the answer, so a dead database fails fast."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("sqlite"):
        return sqlite_engine(url)  # full durability: bookings are not replayed
    return sa.create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        pool_size=5,
        connect_args={"connect_timeout": 3},
    )


class BookingStore:
    """The one way into the clinic's booking tables."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or database_url()
        self.engine = make_engine(self.url)
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    # -------------------------------------------------------------- schema
    def ensure_schema(self) -> None:
        """Create the tables and run pending migrations, once per store. Safe when
        several threads or processes start at once: losing a creation race is
        retried."""
        if self._schema_ready:
            return
        with self._schema_lock:
            for attempt in range(3):
                try:
                    with self._guard():
                        self._create_and_migrate()
                    break
                except StoreUnavailable:
                    if attempt == 2:
                        raise
                    time_module.sleep(0.2 * (attempt + 1))
            self._schema_ready = True

    def _create_and_migrate(self) -> None:
        metadata.create_all(self.engine, checkfirst=True)
        with self.engine.begin() as conn:
            current = conn.execute(
                sa.select(sa.func.max(schema_version.c.version))
            ).scalar()
            if current is None:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            schema_version.insert().values(version=SCHEMA_VERSION)
                        )
                except IntegrityError:
                    pass  # another process recorded it first
                current = SCHEMA_VERSION
            for version in sorted(v for v in MIGRATIONS if v > current):
                MIGRATIONS[version](conn)
                conn.execute(schema_version.insert().values(version=version))

    def _guard(self) -> _Guard:
        return _Guard()

    def guard(self) -> _Guard:
        """For the other booking modules that write to these tables: database errors
        become StoreUnavailable, as here."""
        return _Guard()

    def booking_for_request(self, request_key: str) -> Optional[Record]:
        """The booking saved for this request, if any (a retried save returns it)."""
        self.ensure_schema()
        with self._guard():
            return self._by_key(bookings, request_key)

    # ------------------------------------------------------------ bookings
    def save_booking(self, request: BookingRequest) -> Record:
        """Insert once per request_key; a repeat returns the existing booking."""
        return self._insert_once(
            bookings,
            "RV",
            request.request_key,
            dict(
                sender_key=request.sender_key,
                channel=request.channel,
                name=request.name,
                contact=request.contact,
                mode=request.mode,
                starts_at=request.starts_at,
                time_confirmed=request.time_confirmed,
                with_physio=request.with_physio,
                condition_ids=",".join(sorted(request.condition_ids)),
            ),
        )

    def find_booking(self, reference: str) -> Optional[Record]:
        self.ensure_schema()
        with self._guard(), self.engine.connect() as conn:
            row = (
                conn.execute(
                    bookings.select().where(
                        bookings.c.reference == normalise_reference(reference)
                    )
                )
                .mappings()
                .first()
            )
        return _booking(row) if row else None

    def cancel_booking(self, reference: str) -> Record:
        """Cancel an open booking; its time is free again."""
        record = self._update_open(bookings, reference, status="cancelled")
        with self._guard(), self.engine.begin() as conn:
            conn.execute(
                claims.delete().where(claims.c.booking_reference == record.reference)
            )
            conn.execute(
                reminders.update()
                .where(
                    reminders.c.booking_reference == record.reference,
                    reminders.c.status == "pending",
                )
                .values(status="cancelled")
            )
        return record

    def reschedule_booking(
        self, reference: str, starts_at: datetime, time_confirmed: bool = True
    ) -> Record:
        return self._update_open(
            bookings,
            reference,
            starts_at=starts_at,
            time_confirmed=time_confirmed,
        )

    # ----------------------------------------------------------- callbacks
    def save_callback(self, request: CallbackRequest) -> Record:
        return self._insert_once(
            callbacks,
            "CB",
            request.request_key,
            dict(
                sender_key=request.sender_key,
                channel=request.channel,
                name=request.name,
                contact=request.contact,
                reason=request.reason[:200],
                call_when=request.call_when[:80],
            ),
        )

    # --------------------------------------------------------------- staff
    def open_records(
        self,
        day: Optional[date] = None,
        tz: tzinfo = timezone.utc,
        include_handled: bool = False,
    ) -> List[Record]:
        """Bookings (by start time) then callbacks (by request time); `day` in `tz`."""
        self.ensure_schema()
        wanted = ("open", "handled", "cancelled") if include_handled else ("open",)
        with self._guard(), self.engine.connect() as conn:
            query = bookings.select().where(bookings.c.status.in_(wanted))
            cb_query = callbacks.select().where(callbacks.c.status.in_(wanted))
            if day is not None:
                start = datetime.combine(day, time(0), tzinfo=tz)
                end = start + timedelta(days=1)
                query = query.where(
                    bookings.c.starts_at >= start,
                    bookings.c.starts_at < end,
                )
                cb_query = cb_query.where(
                    callbacks.c.created_at >= start,
                    callbacks.c.created_at < end,
                )
            rows = conn.execute(query.order_by(bookings.c.starts_at)).mappings().all()
            cb_rows = (
                conn.execute(cb_query.order_by(callbacks.c.created_at)).mappings().all()
            )
        return [_booking(r) for r in rows] + [_callback(r) for r in cb_rows]

    def mark_handled(self, reference: str) -> Record:
        reference = normalise_reference(reference)
        table = callbacks if reference.startswith("CB-") else bookings
        return self._update_open(table, reference, status="handled")

    def delete_all_for_sender(self, sender_key: str) -> int:
        """ "Forget me": every booking (open, handled or cancelled) and every callback
        request of this conversation."""
        self.ensure_schema()
        with self._guard(), self.engine.begin() as conn:
            references = sa.select(bookings.c.reference).where(
                bookings.c.sender_key == sender_key
            )
            conn.execute(
                claims.delete().where(
                    sa.or_(
                        claims.c.holder_key == sender_key,
                        claims.c.booking_reference.in_(references),
                    )
                )
            )
            for table in (reminders, reminder_replies):
                conn.execute(
                    table.delete().where(table.c.booking_reference.in_(references))
                )
            conn.execute(
                review_items.delete().where(review_items.c.sender_key == sender_key)
            )
            count = 0
            for table in (bookings, callbacks):
                count += int(
                    conn.execute(
                        table.delete().where(table.c.sender_key == sender_key)
                    ).rowcount
                )
            conn.execute(
                attempts.delete().where(attempts.c.key == f"conversation:{sender_key}")
            )
        return count

    def purge_older_than(self, days: float) -> int:
        """Retention: bookings whose time is more than `days` past, callback requests
        made more than `days` ago (any status), and stale attempt counters."""
        self.ensure_schema()
        cutoff = datetime.now(timezone.utc) - timedelta(days=days)
        stale = datetime.now(timezone.utc) - timedelta(hours=LOCK_HOURS * 2)
        with self._guard(), self.engine.begin() as conn:
            count = conn.execute(
                bookings.delete().where(bookings.c.starts_at < cutoff)
            ).rowcount
            count += conn.execute(
                callbacks.delete().where(callbacks.c.created_at < cutoff)
            ).rowcount
            conn.execute(attempts.delete().where(attempts.c.first_at < stale))
            conn.execute(claims.delete().where(claims.c.blocked_until < cutoff))
            conn.execute(
                review_items.delete().where(review_items.c.created_at < cutoff)
            )
            kept = sa.select(bookings.c.reference)
            for table in (reminders, reminder_replies):
                conn.execute(
                    table.delete().where(table.c.booking_reference.not_in(kept))
                )
        return int(count)

    # ------------------------------------------- checking who asks for a change
    def verified_booking(self, reference: str, contact: str) -> Optional[Record]:
        """The open booking with this reference and this contact, or None: an unknown
        reference and a wrong contact look the same to the caller."""
        record = self.find_booking(reference)
        if record is None or record.status != "open":
            return None
        given, on_file = contact.strip().lower(), record.contact.strip().lower()
        return record if hmac.compare_digest(given, on_file) else None

    def is_locked(self, keys: Sequence[str]) -> bool:
        """Whether any of these counters (conversation, reference) is locked now."""
        self.ensure_schema()
        now = datetime.now(timezone.utc)
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(attempts.select().where(attempts.c.key.in_(keys))).all()
        until = [r.locked_until for r in rows]
        return any(u is not None and u > now for u in until)

    def record_failed_check(self, keys: Sequence[str]) -> bool:
        """Count one wrong reference-and-contact pair against each key; True when one
        of them is now locked (MAX_FAILED_CHECKS within LOCK_HOURS)."""
        self.ensure_schema()
        now = datetime.now(timezone.utc)
        window = timedelta(hours=LOCK_HOURS)
        locked = False
        with self._guard(), self.engine.begin() as conn:
            for key in keys:
                row = conn.execute(
                    attempts.select().where(attempts.c.key == key)
                ).first()
                first = row.first_at if row is not None else None
                if row is None or first is None or first < now - window:
                    failures = 1  # a new window
                    conn.execute(attempts.delete().where(attempts.c.key == key))
                    conn.execute(
                        attempts.insert().values(
                            key=key, failures=1, first_at=now, locked_until=None
                        )
                    )
                else:
                    failures = row.failures + 1
                    until = now + window if failures >= MAX_FAILED_CHECKS else None
                    conn.execute(
                        attempts.update()
                        .where(attempts.c.key == key)
                        .values(failures=failures, locked_until=until)
                    )
                locked = locked or failures >= MAX_FAILED_CHECKS
        return locked

    def clear_failed_checks(self, keys: Sequence[str]) -> None:
        self.ensure_schema()
        with self._guard(), self.engine.begin() as conn:
            conn.execute(attempts.delete().where(attempts.c.key.in_(keys)))

    # ------------------------------------------------------------- helpers
    def _insert_once(
        self, table: sa.Table, prefix: str, request_key: str, values: Dict[str, object]
    ) -> Record:
        """The idempotent insert behind every save: the first row for a request_key
        wins, later (or concurrent) saves of the same request return it; a clash of the
        random reference just draws another."""
        self.ensure_schema()
        now = datetime.now(timezone.utc)
        with self._guard():
            existing = self._by_key(table, request_key)
            if existing:
                return existing
            for _ in range(20):
                try:
                    with self.engine.begin() as conn:
                        conn.execute(
                            table.insert().values(
                                reference=new_reference(prefix),
                                request_key=request_key,
                                status="open",
                                created_at=now,
                                updated_at=now,
                                **values,
                            )
                        )
                except IntegrityError:
                    existing = self._by_key(table, request_key)
                    if existing:
                        return existing
                    continue
                record = self._by_key(table, request_key)
                if record is not None:
                    return record
        raise StoreUnavailable("could not allocate a unique reference")

    def _by_key(self, table: sa.Table, request_key: str) -> Optional[Record]:
        with self.engine.connect() as conn:
            row = (
                conn.execute(table.select().where(table.c.request_key == request_key))
                .mappings()
                .first()
            )
        if not row:
            return None
        return _booking(row) if table is bookings else _callback(row)

    def _update_open(self, table: sa.Table, reference: str, **values: Any) -> Record:
        self.ensure_schema()
        reference = normalise_reference(reference)
        with self._guard(), self.engine.begin() as conn:
            updated = conn.execute(
                table.update()
                .where(table.c.reference == reference, table.c.status == "open")
                .values(updated_at=datetime.now(timezone.utc), **values)
            ).rowcount
            row = (
                conn.execute(table.select().where(table.c.reference == reference))
                .mappings()
                .first()
            )
        if not updated or row is None:
            raise NotFound(reference)
        return _booking(row) if table is bookings else _callback(row)


class _Guard:
    """Turns 'cannot reach or write the database' into StoreUnavailable."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: Optional[type], exc: Optional[BaseException], tb: object
    ) -> Literal[False]:
        if (
            exc_type is not None
            and issubclass(exc_type, (OperationalError, DBAPIError))
            and not issubclass(exc_type, IntegrityError)
        ):
            raise StoreUnavailable(type(exc).__name__) from None
        return False


def _booking(row: Mapping[str, Any]) -> Record:
    return Record(
        kind="booking",
        reference=row["reference"],
        name=row["name"],
        contact=row["contact"],
        status=row["status"],
        created_at=row["created_at"] or datetime.now(timezone.utc),
        channel=row["channel"],
        mode=row["mode"],
        starts_at=row["starts_at"],
        time_confirmed=bool(row["time_confirmed"]),
        with_physio=bool(row["with_physio"]),
        condition_ids=[c for c in (row["condition_ids"] or "").split(",") if c],
    )


def _callback(row: Mapping[str, Any]) -> Record:
    return Record(
        kind="callback",
        reference=row["reference"],
        name=row["name"],
        contact=row["contact"],
        status=row["status"],
        created_at=row["created_at"] or datetime.now(timezone.utc),
        channel=row["channel"],
        reason=row["reason"],
        call_when=row["call_when"],
    )
