"""Requests that could not be saved because the database was down, kept on local disk.

Nothing a patient confirmed is lost: the request goes into one file per request_key
(written atomically, readable by the service user only, encrypted like the
conversations: clinic/crypto.py) and is saved into the database
by the next successful `flush`. A flush runs before every booking or callback save and
whenever staff list requests. Saving is idempotent, so a request that reached the
database just before it failed is never doubled.

With open times (clinic.yml's appointments), a kept booking is replayed through the
appointment book, like a booking made at that moment: the time's claim, the booking and
its reminder in one write, so the time is never given to someone else as well. A time
taken meanwhile (or no longer bookable) becomes a request the clinic team confirms,
as the patient was told when it was kept.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import List, Optional, Union

from clinic import clock, crypto, paths
from clinic.booking.appointment_book import AppointmentBook, SlotTaken
from clinic.booking.store import BookingRequest, BookingStore, CallbackRequest, Record

Request = Union[BookingRequest, CallbackRequest]


def outbox_dir() -> Path:
    return paths.data_dir() / "outbox"


def keep(request: Request, directory: Optional[Path] = None) -> Path:
    """Write the request to the outbox (idempotent: one file per request_key)."""
    directory = directory or outbox_dir()
    directory.mkdir(parents=True, exist_ok=True)
    payload = asdict(request)
    payload["kind"] = "booking" if isinstance(request, BookingRequest) else "callback"
    if isinstance(request, BookingRequest):
        payload["starts_at"] = request.starts_at.isoformat()
        payload["condition_ids"] = list(request.condition_ids)
    target = directory / f"{request.request_key}.json"
    handle, temp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(crypto.encrypt(json.dumps(payload)))
    os.chmod(temp, 0o600)
    os.replace(temp, target)
    return target


def pending(directory: Optional[Path] = None) -> List[Path]:
    directory = directory or outbox_dir()
    return sorted(directory.glob("*.json")) if directory.exists() else []


def _load(path: Path) -> Request:
    data = json.loads(crypto.decrypt(path.read_text(encoding="utf-8")))
    kind = data.pop("kind")
    if kind == "booking":
        data["starts_at"] = datetime.fromisoformat(data["starts_at"])
        return BookingRequest(**data)
    return CallbackRequest(**data)


def flush(
    store: BookingStore,
    directory: Optional[Path] = None,
    book: Optional[AppointmentBook] = None,
) -> int:
    """Save every kept request (bookings through `book` when there is one); returns
    how many were saved. Raises StoreUnavailable (leaving the files in place) if the
    database is still down."""
    saved = 0
    for path in pending(directory):
        request = _load(path)
        if isinstance(request, BookingRequest):
            _save_booking(store, request, book)
        else:
            store.save_callback(request)
        path.unlink(missing_ok=True)
        saved += 1
    return saved


def _save_booking(
    store: BookingStore, request: BookingRequest, book: Optional[AppointmentBook]
) -> Record:
    if book is None:
        return store.save_booking(request)
    try:
        return book.book(
            replace(request, time_confirmed=True), request.sender_key, clock.now()
        )
    except SlotTaken:  # taken meanwhile: the clinic team confirms another time
        return store.save_booking(replace(request, time_confirmed=False))


def forget(sender_key: str, directory: Optional[Path] = None) -> int:
    """ "Forget me": remove the conversation's requests still waiting here."""
    removed = 0
    for path in pending(directory):
        if _load(path).sender_key == sender_key:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def drop(request_key: str, directory: Optional[Path] = None) -> None:
    """A kept request that was settled another way (booked on a retry, or its time
    was taken meanwhile): it must not be saved later as well."""
    (directory or outbox_dir()).joinpath(f"{request_key}.json").unlink(missing_ok=True)


def save_now(
    store: BookingStore, request: Request, book: Optional[AppointmentBook] = None
) -> Record:
    """Save older kept requests, then this one. Raises StoreUnavailable when the
    database is down (the caller keeps the request: actions/services.py)."""
    flush(store, book=book)
    if isinstance(request, BookingRequest):
        return store.save_booking(request)
    return store.save_callback(request)
