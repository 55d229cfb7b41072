"""The services custom actions use, built in one place, and the one way to call them.

Custom actions run on the action server's event loop: one blocking database or file
call there stalls every conversation. So every store call goes through `call`, which
runs it in a worker thread and gives up after STORE_TIMEOUT seconds (a hanging database
then counts as an unavailable one, and the patient is told). Retries wait with
`asyncio.sleep`.

The store is created on first use from DATABASE_URL (SQLite in the data folder by
default). Tests put their own in with `use_store` and take it out with `reset`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Optional, TypeVar, Union

from clinic import facts
from clinic.booking import outbox
from clinic.booking.appointment_book import AppointmentBook
from clinic.booking.store import (
    BookingRequest,
    BookingStore,
    CallbackRequest,
    Record,
    StoreUnavailable,
)
from clinic.settings import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_PAUSE = 0.3  # seconds between two save attempts
_store: Optional[BookingStore] = None
_book: Optional[AppointmentBook] = None


def store_timeout() -> float:
    return settings().store_timeout


def store() -> BookingStore:
    """The booking store of this process (created on first use)."""
    global _store
    if _store is None:
        _store = BookingStore()
    return _store


def appointment_book() -> Optional[AppointmentBook]:
    """Open times, holds and bookings on this process's store; None while clinic.yml
    has no `appointments` block (bookings are then requests staff confirm)."""
    availability = facts.availability()
    if availability is None:
        return None
    global _book
    if (
        _book is None
        or _book.store is not store()
        or _book.availability is not availability
    ):
        _book = AppointmentBook(store(), availability)
    return _book


def use_store(replacement: BookingStore) -> None:
    """Use this store from now on (tests, or a deployment that builds its own)."""
    global _store
    _store = replacement


def reset() -> None:
    """Forget the current store; the next `store()` builds a new one."""
    global _store
    _store = None


async def call(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a blocking store or file call off the event loop, within STORE_TIMEOUT."""
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(function, *args, **kwargs), timeout=store_timeout()
        )
    except asyncio.TimeoutError:
        logger.error("The database did not answer within %.1f s.", store_timeout())
        raise StoreUnavailable("timeout") from None


async def save_or_keep(
    request: Union[BookingRequest, CallbackRequest], attempts: int = 2
) -> Record:
    """Save a confirmed request now (older kept ones first). If the database stays
    down, the request goes to the outbox and StoreUnavailable is raised, so the patient
    is told it is not saved yet; the next save or staff call writes it."""
    database = store()
    last: Optional[StoreUnavailable] = None
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(RETRY_PAUSE)
        try:
            return await call(outbox.save_now, database, request, appointment_book())
        except StoreUnavailable as error:
            last = error
    await asyncio.to_thread(outbox.keep, request)
    raise last or StoreUnavailable("unavailable")
