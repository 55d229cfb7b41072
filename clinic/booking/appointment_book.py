"""The appointment book: which consultation times are held or booked, guarded by the
database itself so that no time is ever given twice.

Every time that keeps others out is a row of `clinic_slot_claims` (store.py): a hold
(an offered time kept for `hold_minutes` while the patient confirms) or a booking.
A claim takes one of the mode's seats (rooms or staff, `at_once`) and covers its
consultation plus the buffers. Two claims on the same seat never overlap:
- on PostgreSQL an exclusion constraint says so (`EXCLUDE USING gist`, time ranges);
- on SQLite the check and the write run in one IMMEDIATE transaction, which no other
  process can interleave;
- everywhere, a unique (mode, seat, start) index backs both.
A writer that loses a race gets `SlotTaken` and the caller offers the next open times.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Iterator, List, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from clinic.booking import reminders, slots
from clinic.booking.availability import Availability
from clinic.booking.slots import Taken
from clinic.booking.store import (
    BookingRequest,
    BookingStore,
    Record,
    bookings,
    claims,
    make_engine,
    new_reference,
)

T = TypeVar("T")


class SlotTaken(RuntimeError):
    """Someone else holds or booked that time (or it is no longer an open time)."""


@dataclass(frozen=True)
class Hold:
    mode: str
    starts_at: datetime
    expires_at: datetime


class AppointmentBook:
    """Open times, holds and bookings of free consultations."""

    def __init__(self, store: BookingStore, availability: Availability) -> None:
        self.store = store
        self.availability = availability
        self._writer = _immediate_engine(store)

    # ------------------------------------------------------------- reading
    def taken(
        self, mode: str, now: datetime, except_holder: Optional[str] = None
    ) -> List[Taken]:
        """Bookings and unexpired holds of `mode` from now on (a patient's own hold
        does not keep them out)."""
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.connect() as conn:
            return self._taken(conn, mode, now, except_holder)

    def open_times(
        self,
        mode: str,
        now: datetime,
        holder_key: Optional[str] = None,
        start: Optional[datetime] = None,
        end: Optional[datetime] = None,
        limit: int = 3,
        skip: int = 0,
    ) -> List[datetime]:
        taken = self.taken(mode, now, holder_key)
        return slots.open_slots(
            mode, taken, now, self.availability, start, end, limit, skip
        )

    def nearest_open(
        self,
        wanted: datetime,
        mode: str,
        now: datetime,
        holder_key: Optional[str] = None,
    ) -> List[datetime]:
        taken = self.taken(mode, now, holder_key)
        return slots.nearest_open(wanted, mode, taken, now, self.availability)

    # ------------------------------------------------------------- writing
    def hold(
        self, holder_key: str, mode: str, starts_at: datetime, now: datetime
    ) -> Hold:
        """Keep `starts_at` for this patient while they confirm (their earlier hold is
        let go). Raises SlotTaken when it is not open to them."""
        expires = slots.instant(now) + self.availability.hold

        def once() -> Hold:
            try:
                with self._write() as conn:
                    conn.execute(
                        claims.delete().where(
                            claims.c.kind == "hold", claims.c.holder_key == holder_key
                        )
                    )
                    self._claim(
                        conn, holder_key, mode, starts_at, now, "hold", None, expires
                    )
            except IntegrityError:
                raise SlotTaken(starts_at.isoformat()) from None
            return Hold(mode, starts_at, expires)

        return self._retried(mode, once)

    def book(self, request: BookingRequest, holder_key: str, now: datetime) -> Record:
        """Book the time the patient holds (see `_book_once`); a lost race for one of
        several seats is tried again, for the next seat."""
        return self._retried(
            request.mode, lambda: self._book_once(request, holder_key, now)
        )

    def _book_once(
        self, request: BookingRequest, holder_key: str, now: datetime
    ) -> Record:
        """Book the time the patient holds (or, if their hold has lapsed, the time
        itself while it is still open) in one write: the booking and its claim land
        together or not at all. A repeated request returns the first booking."""
        existing = self.store.booking_for_request(request.request_key)
        if existing is not None:
            return existing
        reference = new_reference("RV")
        stamp = slots.instant(now)
        try:
            with self._write() as conn:
                own = conn.execute(
                    claims.delete().where(
                        claims.c.kind == "hold",
                        claims.c.holder_key == holder_key,
                        claims.c.mode == request.mode,
                        claims.c.starts_at == slots.instant(request.starts_at),
                    )
                ).rowcount
                self._claim(
                    conn,
                    holder_key,
                    request.mode,
                    request.starts_at,
                    now,
                    "booking",
                    reference,
                    None,
                    check_open=not own,
                )
                reminders.schedule(
                    conn,
                    reference,
                    request.contact,
                    request.starts_at,
                    self.availability,
                )
                conn.execute(
                    bookings.insert().values(
                        reference=reference,
                        request_key=request.request_key,
                        sender_key=request.sender_key,
                        channel=request.channel,
                        name=request.name,
                        contact=request.contact,
                        mode=request.mode,
                        starts_at=slots.instant(request.starts_at),
                        time_confirmed=True,
                        with_physio=request.with_physio,
                        condition_ids=",".join(sorted(request.condition_ids)),
                        status="open",
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
        except IntegrityError:
            existing = self.store.booking_for_request(request.request_key)
            if existing is not None:  # the same request, saved by a retry
                return existing
            raise SlotTaken(request.starts_at.isoformat()) from None
        record = self.store.booking_for_request(request.request_key)
        assert record is not None
        return record

    def release(self, reference: str) -> None:
        """The booking's time is free again (cancelled, or moved by `move`)."""
        with self._write() as conn:
            conn.execute(claims.delete().where(claims.c.booking_reference == reference))

    def move(
        self, reference: str, holder_key: str, starts_at: datetime, now: datetime
    ) -> Record:
        """Move an open booking to a new time in one write (the old time is freed only
        when the new one is claimed). Raises SlotTaken."""
        record = self.store.find_booking(reference)
        if record is None or record.status != "open":
            raise LookupError(reference)
        try:
            with self._write() as conn:
                conn.execute(
                    claims.delete().where(claims.c.booking_reference == reference)
                )
                own = conn.execute(
                    claims.delete().where(
                        claims.c.kind == "hold",
                        claims.c.holder_key == holder_key,
                        claims.c.starts_at == slots.instant(starts_at),
                    )
                ).rowcount
                self._claim(
                    conn,
                    holder_key,
                    record.mode,
                    starts_at,
                    now,
                    "booking",
                    reference,
                    None,
                    check_open=not own,
                )
                reminders.schedule(
                    conn, reference, record.contact, starts_at, self.availability
                )
                conn.execute(
                    bookings.update()
                    .where(bookings.c.reference == reference)
                    .values(
                        starts_at=slots.instant(starts_at),
                        time_confirmed=True,
                        updated_at=slots.instant(now),
                    )
                )
        except IntegrityError:
            raise SlotTaken(starts_at.isoformat()) from None
        moved = self.store.find_booking(reference)
        assert moved is not None
        return moved

    # ------------------------------------------------------------- helpers
    def _retried(self, mode: str, write: Callable[[], T]) -> T:
        """PostgreSQL lets two writers pick the same free seat and refuses the second
        at commit; with more seats than one, the loser tries the next."""
        for _ in range(self.availability.at_once.get(mode, 1)):
            try:
                return write()
            except SlotTaken:
                continue
        raise SlotTaken(mode)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; a database that cannot be reached becomes
        StoreUnavailable, a lost race stays an IntegrityError for the caller."""
        self.store.ensure_schema()
        with self.store.guard(), self._writer.begin() as conn:
            yield conn

    def _taken(
        self,
        conn: Connection,
        mode: str,
        now: datetime,
        except_holder: Optional[str],
        around: Optional[datetime] = None,
    ) -> List[Taken]:
        query = claims.select().where(
            claims.c.mode == mode,
            claims.c.blocked_until > slots.instant(now),
            sa.or_(
                claims.c.kind == "booking", claims.c.expires_at > slots.instant(now)
            ),
        )
        if except_holder is not None:
            query = query.where(
                sa.or_(claims.c.kind == "booking", claims.c.holder_key != except_holder)
            )
        if around is not None:  # only what can touch this consultation
            span = self.availability.length + 2 * (
                self.availability.buffer_before + self.availability.buffer_after
            )
            query = query.where(
                claims.c.blocked_from < slots.instant(around) + span,
                claims.c.blocked_until > slots.instant(around) - span,
            )
        return [
            Taken(row.mode, row.starts_at, row.ends_at) for row in conn.execute(query)
        ]

    def _claim(
        self,
        conn: Connection,
        holder_key: str,
        mode: str,
        starts_at: datetime,
        now: datetime,
        kind: str,
        reference: Optional[str],
        expires: Optional[datetime],
        check_open: bool = True,
    ) -> None:
        """Take the first free seat at `starts_at`. The patient's own hold, just
        deleted by the caller, counted as theirs: `check_open=False` then skips only
        the minimum-notice and grid checks, never the overlap."""
        conn.execute(
            claims.delete().where(
                claims.c.kind == "hold", claims.c.expires_at <= slots.instant(now)
            )
        )
        availability = self.availability
        nearby = self._taken(conn, mode, now, None, around=starts_at)
        if check_open and not slots.is_open(starts_at, mode, nearby, now, availability):
            raise SlotTaken(starts_at.isoformat())
        ends = slots.ends_at(starts_at, availability)
        low = slots.instant(starts_at) - availability.buffer_before
        high = slots.instant(ends) + availability.buffer_after
        used = {
            row.seat
            for row in conn.execute(
                sa.select(claims.c.seat).where(
                    claims.c.mode == mode,
                    claims.c.blocked_from < high,
                    claims.c.blocked_until > low,
                )
            )
        }
        free = [s for s in range(availability.at_once[mode]) if s not in used]
        if not free:
            raise SlotTaken(starts_at.isoformat())
        conn.execute(
            claims.insert().values(
                mode=mode,
                seat=free[0],
                starts_at=slots.instant(starts_at),
                ends_at=slots.instant(ends),
                blocked_from=low,
                blocked_until=high,
                kind=kind,
                holder_key=holder_key,
                booking_reference=reference,
                expires_at=expires,
            )
        )


def _immediate_engine(store: BookingStore) -> Engine:
    """The store's database, with SQLite's write lock taken when a transaction
    begins (BEGIN IMMEDIATE), so a check and the write after it are one step for every
    process. Other databases: the store's engine."""
    if not store.url.startswith("sqlite"):
        return store.engine
    engine = make_engine(store.url)

    @sa.event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite: we say when to begin

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def claims_of(store: BookingStore) -> Iterator[Dict[str, Any]]:
    """Every claim, for the staff tool and the tests."""
    store.ensure_schema()
    with store.engine.connect() as conn:
        for row in conn.execute(claims.select().order_by(claims.c.starts_at)):
            yield dict(row._mapping)
