"""The appointment book on a real SQLite file and a real PostgreSQL: holds, bookings,
moves, and no time ever given twice, even to writers racing in separate processes."""

import multiprocessing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinic.booking.appointment_book import AppointmentBook, SlotTaken, claims_of
from clinic.booking.availability import Availability
from clinic.booking.store import BookingRequest, BookingStore
from tests.databases import temporary_postgres
from tests.unit.test_slots import config

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2027, 1, 4, 6, 0, tzinfo=LA)  # Monday, before opening
NINE = datetime(2027, 1, 4, 9, 0, tzinfo=LA)


def rules(at_once: int = 1) -> Availability:
    return Availability.from_config(config(at_once=at_once), "America/Los_Angeles")


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


def empty(url: str) -> None:
    store = BookingStore(url)
    AppointmentBook(store, rules())  # the claims table is part of the schema
    store.ensure_schema()
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM clinic_slot_claims"))
        conn.execute(sa.text("DELETE FROM clinic_bookings"))
    store.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    url = request.getfixturevalue("postgres_url")
    empty(url)  # the module's database is shared
    return url


@pytest.fixture
def book(url):
    return AppointmentBook(BookingStore(url), rules())


def request_for(key: str, starts_at: datetime, mode: str = "phone") -> BookingRequest:
    return BookingRequest(
        request_key=key,
        sender_key=f"sender-{key}",
        channel="rest",
        name="Ana",
        contact="+17605550100",
        mode=mode,
        starts_at=starts_at,
    )


def test_a_held_time_is_not_offered_to_others_until_the_hold_lapses(book):
    assert book.open_times("phone", NOW)[0] == NINE
    book.hold("patient-a", "phone", NINE, NOW)
    assert book.open_times("phone", NOW)[0] == NINE + timedelta(minutes=30)
    # the holder still sees it, and can book it
    assert book.open_times("phone", NOW, holder_key="patient-a")[0] == NINE
    with pytest.raises(SlotTaken):
        book.hold("patient-b", "phone", NINE, NOW)
    later = NOW + timedelta(minutes=11)  # hold_minutes is 10
    assert book.open_times("phone", later)[0] == NINE
    book.hold("patient-b", "phone", NINE, later)  # a lapsed hold is let go


def test_booking_the_held_time_and_a_repeated_request(book):
    book.hold("patient-a", "phone", NINE, NOW)
    record = book.book(request_for("r1", NINE), "patient-a", NOW)
    assert record.starts_at == NINE and record.time_confirmed
    again = book.book(request_for("r1", NINE), "patient-a", NOW)
    assert again.reference == record.reference
    assert [c["kind"] for c in claims_of(book.store)] == ["booking"]
    with pytest.raises(SlotTaken):
        book.book(request_for("r2", NINE), "patient-b", NOW)
    assert book.open_times("phone", NOW)[0] == NINE + timedelta(minutes=30)
    # other modes have their own rooms
    assert book.open_times("in_person", NOW)[0] == NINE


def test_a_time_that_is_not_open_cannot_be_booked(book):
    with pytest.raises(SlotTaken):  # off the grid
        book.book(request_for("r1", NINE + timedelta(minutes=10)), "a", NOW)
    with pytest.raises(SlotTaken):  # inside the minimum notice
        book.book(request_for("r2", NINE), "a", NINE - timedelta(hours=1))
    assert list(claims_of(book.store)) == []


def test_moving_frees_the_old_time_only_once_the_new_one_is_taken(book):
    first = book.book(request_for("r1", NINE), "patient-a", NOW)
    ten = NINE + timedelta(hours=1)
    book.book(request_for("r2", ten), "patient-b", NOW)
    with pytest.raises(SlotTaken):
        book.move(first.reference, "patient-a", ten, NOW)
    assert book.store.find_booking(first.reference).starts_at == NINE
    half_past = NINE + timedelta(minutes=30)
    moved = book.move(first.reference, "patient-a", half_past, NOW)
    assert moved.starts_at == half_past
    assert book.open_times("phone", NOW)[0] == NINE
    book.release(first.reference)
    assert book.open_times("phone", NOW, limit=2) == [NINE, half_past]


def test_two_rooms_take_two_patients_at_once_and_no_third(url):
    book = AppointmentBook(BookingStore(url), rules(at_once=2))
    book.book(request_for("r1", NINE), "a", NOW)
    book.book(request_for("r2", NINE), "b", NOW)
    with pytest.raises(SlotTaken):
        book.book(request_for("r3", NINE), "c", NOW)
    assert sorted(c["seat"] for c in claims_of(book.store)) == [0, 1]


def _race(url: str, key: str, barrier, results) -> None:
    book = AppointmentBook(BookingStore(url), rules())
    book.store.ensure_schema()
    barrier.wait()
    try:
        book.book(request_for(key, NINE), key, NOW)
        results.put((key, "booked"))
    except SlotTaken:
        offered = book.open_times("phone", NOW, limit=1)
        results.put((key, f"offered {offered[0].isoformat()}"))


def test_two_patients_racing_in_two_processes_for_one_time(url):
    """Each round, two processes book 9:00 at the same moment: exactly one gets it,
    the other is offered the next open time."""
    context = multiprocessing.get_context("spawn")
    store = BookingStore(url)
    for round_ in range(5):
        empty(url)
        barrier, results = context.Barrier(2), context.Queue()
        racers = [
            context.Process(
                target=_race, args=(url, f"p{round_}-{i}", barrier, results)
            )
            for i in range(2)
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(60)
        outcomes = sorted(results.get(timeout=5)[1] for _ in racers)
        assert outcomes == [
            "booked",
            f"offered {(NINE + timedelta(minutes=30)).isoformat()}",
        ]
        booked = list(claims_of(store))
        assert len(booked) == 1 and booked[0]["kind"] == "booking"


def test_postgresql_itself_refuses_overlapping_claims(postgres_url):
    empty(postgres_url)
    store = BookingStore(postgres_url)
    row = (
        "INSERT INTO clinic_slot_claims (mode, seat, starts_at, ends_at, blocked_from, "
        "blocked_until, kind, holder_key) VALUES ('phone', 0, :s, :e, :s, :e, "
        "'booking', :k)"
    )
    start = NINE.astimezone(ZoneInfo("UTC"))
    try:
        with store.engine.begin() as conn:
            conn.execute(
                sa.text(row), {"s": start, "e": start + timedelta(minutes=30), "k": "a"}
            )
        shifted = start + timedelta(minutes=10)
        with (
            pytest.raises(sa.exc.IntegrityError, match="no_overlap"),
            store.engine.begin() as conn,
        ):
            conn.execute(
                sa.text(row),
                {"s": shifted, "e": shifted + timedelta(minutes=30), "k": "b"},
            )
    finally:
        with store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM clinic_slot_claims"))


def test_cancelling_or_forgetting_a_booking_frees_its_time(book):
    record = book.book(request_for("r1", NINE), "patient-a", NOW)
    book.store.cancel_booking(record.reference)
    assert book.open_times("phone", NOW)[0] == NINE
    again = book.book(request_for("r2", NINE), "patient-b", NOW)
    book.hold("patient-b", "phone", NINE + timedelta(hours=1), NOW)
    book.store.delete_all_for_sender("sender-r2")  # the booking's conversation
    assert book.store.find_booking(again.reference) is None
    assert [c["holder_key"] for c in claims_of(book.store)] == ["patient-b"]
    book.store.delete_all_for_sender("patient-b")  # the hold's holder
    assert list(claims_of(book.store)) == []


def test_a_booking_kept_while_the_database_was_down_is_replayed_through_the_book(
    book, tmp_path, monkeypatch
):
    """The database was down when two patients confirmed; meanwhile another patient
    took one of the two times. When it is back: the free time is booked with its
    claim and reminder (never offered again), the taken one becomes a request the
    clinic team confirms (not lost, not a second booking of that time)."""
    from dataclasses import replace

    from clinic import clock
    from clinic.booking import outbox

    monkeypatch.setattr(clock, "now", lambda: NOW)
    outbox_dir = tmp_path / "outbox"
    ten, eleven = NINE + timedelta(hours=1), NINE + timedelta(hours=2)
    kept_free = replace(request_for("kept-free", ten), time_confirmed=False)
    kept_taken = replace(request_for("kept-taken", eleven), time_confirmed=False)
    outbox.keep(kept_free, outbox_dir)
    outbox.keep(kept_taken, outbox_dir)
    rival = book.book(request_for("rival", eleven), "sender-rival", NOW)

    assert outbox.flush(book.store, outbox_dir, book) == 2
    assert outbox.pending(outbox_dir) == []
    free = book.store.booking_for_request("kept-free")
    assert free.time_confirmed and ten not in book.open_times("phone", NOW, limit=20)
    taken = book.store.booking_for_request("kept-taken")
    assert taken is not None and not taken.time_confirmed  # for the clinic team
    claimed = [c["booking_reference"] for c in claims_of(book.store)]
    assert sorted(claimed) == sorted([rival.reference, free.reference])
    with book.store.engine.connect() as conn:
        reminded = (
            conn.execute(sa.text("SELECT booking_reference FROM clinic_reminders"))
            .scalars()
            .all()
        )
    assert free.reference in reminded
