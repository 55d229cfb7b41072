"""The booking store on a real SQLite file and, when available, a real PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinic.booking import outbox
from clinic.booking.store import (
    MAX_FAILED_CHECKS,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    SCHEMA_VERSION,
    BookingRequest,
    BookingStore,
    CallbackRequest,
    NotFound,
    StoreUnavailable,
    bookings,
    normalise_reference,
    reference_in,
)
from tests.databases import temporary_postgres

LA = ZoneInfo("America/Los_Angeles")
WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=LA)


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
        return
    url = request.getfixturevalue("postgres_url")
    store = BookingStore(url)
    yield store
    with store.engine.begin() as conn:  # the module shares one database: start clean
        for table in ("clinic_bookings", "clinic_callbacks"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    store.engine.dispose()


def booking(key: str = "req-1", **changes) -> BookingRequest:
    values = dict(
        request_key=key,
        sender_key="s1",
        channel="rest",
        name="Jane Doe",
        contact="+17605550100",
        mode="in_person",
        starts_at=WHEN,
    )
    values.update(changes)
    return BookingRequest(**values)


def count(store: BookingStore) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(bookings)).scalar()


def test_a_booking_is_saved_with_a_readable_reference_and_read_back(store):
    record = store.save_booking(
        booking(with_physio=True, condition_ids=["pregnancy", "fever"])
    )
    assert record.reference.startswith("RV-") and len(record.reference) == 12
    assert all(ch in REFERENCE_ALPHABET for ch in record.reference[3:].replace("-", ""))
    found = store.find_booking(record.reference.lower().replace("-", " "))
    assert found.reference == record.reference
    assert found.starts_at == WHEN  # same instant, time zone kept
    assert (found.name, found.contact, found.mode, found.status) == (
        "Jane Doe",
        "+17605550100",
        "in_person",
        "open",
    )
    assert found.with_physio and found.condition_ids == ["fever", "pregnancy"]


def test_saving_the_same_request_twice_creates_one_booking(store):
    first = store.save_booking(booking("same"))
    second = store.save_booking(booking("same", name="Someone Else"))
    assert second.reference == first.reference and second.name == "Jane Doe"
    assert count(store) == 1


def test_concurrent_saves_of_one_request_create_one_booking(store):
    references, errors = [], []

    def save():
        try:
            references.append(store.save_booking(booking("raced")).reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(references)) == 1
    assert count(store) == 1


def test_cancel_and_reschedule_only_touch_open_bookings(store):
    record = store.save_booking(booking("a"))
    moved = store.reschedule_booking(record.reference, WHEN + timedelta(days=2))
    assert moved.starts_at == WHEN + timedelta(days=2)
    assert store.cancel_booking(record.reference).status == "cancelled"
    with pytest.raises(NotFound):
        store.cancel_booking(record.reference)
    with pytest.raises(NotFound):
        store.reschedule_booking("RV-ZZZZ", WHEN)


def test_staff_view_filters_by_day_in_the_clinic_time_zone_and_marks_handled(store):
    late = store.save_booking(
        booking("late", starts_at=datetime(2030, 12, 1, 17, 30, tzinfo=LA))
    )
    store.save_booking(
        booking("next", starts_at=datetime(2030, 12, 2, 9, 0, tzinfo=LA))
    )
    callback = store.save_callback(
        CallbackRequest(
            "cb", "s1", "sms", "Jo", "+17605550100", "asked to talk to a person"
        )
    )
    assert callback.reference.startswith("CB-")
    # 17:30 in California is already Dec 2 in UTC: the clinic's day decides. (A day
    # far from today: the callback, requested now, must not fall on it.)
    day = store.open_records(day=date(2030, 12, 1), tz=LA)
    assert [r.reference for r in day] == [late.reference]
    assert {r.kind for r in store.open_records()} == {"booking", "callback"}
    store.mark_handled(callback.reference)
    assert callback.reference not in [r.reference for r in store.open_records()]
    assert callback.reference in [
        r.reference for r in store.open_records(include_handled=True)
    ]


def test_forget_me_removes_every_request_of_that_sender_in_any_status(store):
    store.save_booking(booking("mine", sender_key="me"))
    handled = store.save_booking(booking("old", sender_key="me"))
    store.mark_handled(handled.reference)
    cancelled = store.save_booking(booking("gone", sender_key="me"))
    store.cancel_booking(cancelled.reference)
    store.save_callback(
        CallbackRequest("cb-me", "me", "rest", "Jo", "jo@x.org", "asked")
    )
    store.save_booking(booking("theirs", sender_key="other"))
    assert store.delete_all_for_sender("me") == 4
    assert count(store) == 1


def test_references_carry_40_bits_and_read_back_as_typed(store):
    record = store.save_booking(booking("ref"))
    assert re.fullmatch(r"RV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", record.reference)
    typed = record.reference.lower().replace("-", " ")
    assert normalise_reference(typed) == record.reference
    assert store.find_booking(typed).reference == record.reference
    assert len(REFERENCE_ALPHABET) ** REFERENCE_LENGTH >= 2**40
    # found inside a message however it is typed back; other words are not one
    compact = record.reference.replace("-", "")
    assert reference_in(f"hi, my ref is {typed}, thanks") == record.reference
    assert reference_in(f"{compact} please") == record.reference
    assert reference_in("RV-7K3Q") == "RV-7K3Q"  # the first version's references
    assert reference_in("I'll arrive early and reserve a parking spot") is None


def test_an_unknown_reference_and_a_wrong_contact_look_the_same(store):
    record = store.save_booking(booking("pair"))
    assert store.verified_booking(record.reference, record.contact).reference == (
        record.reference
    )
    assert store.verified_booking(record.reference, "+17605550199") is None
    assert store.verified_booking("RV-2222-2222", record.contact) is None


def test_failed_checks_lock_a_conversation_and_a_reference_for_everyone(store):
    keys = ["conversation:c1", "reference:RV-AAAA-BBBB"]
    for _ in range(MAX_FAILED_CHECKS - 1):
        assert store.record_failed_check(keys) is False
    assert not store.is_locked(keys)
    assert store.record_failed_check(keys) is True
    # another process (a replica, a restart) sees the same lock
    other = BookingStore(store.url)
    assert other.is_locked(["reference:RV-AAAA-BBBB"])
    assert other.is_locked(["conversation:c1"]) and not other.is_locked(
        ["conversation:c2"]
    )


def test_retention_deletes_old_bookings_and_callbacks_in_any_status(store):
    old = datetime.now(LA) - timedelta(days=200)
    store.save_booking(booking("old", starts_at=old))
    store.save_booking(
        booking("recent", starts_at=datetime.now(LA) + timedelta(days=2))
    )
    assert store.purge_older_than(90) == 1
    assert [r.name for r in store.open_records()] == ["Jane Doe"]


def test_schema_is_created_once_and_reused(store):
    store.save_booking(booking("x"))
    again = BookingStore(store.url)
    assert again.find_booking(store.open_records()[0].reference) is not None
    with again.engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("select max(version) from clinic_schema_version")
            ).scalar()
            == SCHEMA_VERSION
        )


def test_an_unreachable_database_raises_store_unavailable_without_details():
    dead = BookingStore("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable) as error:
        dead.save_booking(booking())
    assert "Jane" not in str(error.value) and error.value.__cause__ is None


def test_outbox_keeps_requests_while_the_database_is_down_and_saves_them_later(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path))
    dead = BookingStore("postgresql://nobody@127.0.0.1:1/none")
    request = booking("kept", with_physio=True, condition_ids=["fever"])
    with pytest.raises(StoreUnavailable):
        outbox.save_now(dead, request)
    outbox.keep(request)
    outbox.keep(request)  # the same request again: still one file
    assert len(outbox.pending()) == 1
    assert oct(outbox.pending()[0].stat().st_mode)[-3:] == "600"

    alive = BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    other = outbox.save_now(alive, booking("new"))
    assert outbox.pending() == []
    records = {r.reference: r for r in alive.open_records()}
    assert len(records) == 2 and other.reference in records
    kept = [r for r in records.values() if r.reference != other.reference][0]
    assert kept.condition_ids == ["fever"] and kept.starts_at == WHEN
    # the patient's retry after the flush finds the same booking
    assert outbox.save_now(alive, request).reference == kept.reference
    assert count(alive) == 2
