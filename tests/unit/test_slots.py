"""Open consultation times against a fixed clock: hours, buffers, notice, horizon,
closed dates, rooms, daylight-saving weekends, quiet hours, the late-cancel window."""

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict
from zoneinfo import ZoneInfo

import pytest

from clinic.booking import slots
from clinic.booking.availability import Availability
from clinic.booking.slots import Taken
from clinic.facts import DEFAULT_PATH, load_facts

LA = ZoneInfo("America/Los_Angeles")
WEEKDAYS = {day: "09:00-12:00" for day in ("mon", "tue", "wed", "thu", "fri")}


def config(**changes: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "consultation_minutes": 20,
        "hours": {"in_person": WEEKDAYS, "phone": WEEKDAYS, "online": None},
        "at_once": 1,
        "buffer_minutes": {"before": 0, "after": 10},
        "min_notice_hours": 2,
        "horizon_days": 30,
        "closed_dates": [],
        "late_cancel_hours": 24,
        "hold_minutes": 10,
        "reminder_hours_before": 24,
        "quiet_hours": "20:00-08:00",
    }
    base.update(changes)
    return base


def rules(**changes: Any) -> Availability:
    return Availability.from_config(config(**changes), "America/Los_Angeles")


def at(text: str) -> datetime:
    """A wall-clock time in the clinic's zone: '2027-01-04 09:00' (a Monday)."""
    return datetime.fromisoformat(text).replace(tzinfo=LA)


def clock(moments) -> list:
    return [m.astimezone(LA).strftime("%a %H:%M") for m in moments]


MONDAY_EARLY = at("2027-01-04 06:00")


def test_a_day_is_cut_into_back_to_back_consultations_with_their_buffer():
    open_ = slots.open_slots("in_person", [], MONDAY_EARLY, rules(), limit=7)
    # 20 minutes + 10 after: every 30 minutes, the last that ends by 12:00 at 11:30
    assert clock(open_) == [
        "Mon 09:00",
        "Mon 09:30",
        "Mon 10:00",
        "Mon 10:30",
        "Mon 11:00",
        "Mon 11:30",
        "Tue 09:00",
    ]


def test_a_booked_time_and_its_buffers_are_not_offered_again():
    taken = [Taken("in_person", at("2027-01-04 09:30"), at("2027-01-04 09:50"))]
    open_ = slots.open_slots("in_person", taken, MONDAY_EARLY, rules(), limit=3)
    assert clock(open_) == ["Mon 09:00", "Mon 10:00", "Mon 10:30"]
    # an off-grid booking (a time staff typed in) blocks both starts it touches
    taken = [Taken("in_person", at("2027-01-04 09:15"), at("2027-01-04 09:35"))]
    open_ = slots.open_slots("in_person", taken, MONDAY_EARLY, rules(), limit=2)
    assert clock(open_) == ["Mon 10:00", "Mon 10:30"]
    # a buffer before: the day starts 15 minutes in, a start every 45 minutes, and
    # a booking at 9:00 (blocking 8:45-9:30) keeps 9:15 (blocking 9:00-9:45) out
    wide = rules(buffer_minutes={"before": 15, "after": 10})
    assert clock(slots.open_slots("in_person", [], MONDAY_EARLY, wide, limit=2)) == [
        "Mon 09:15",
        "Mon 10:00",
    ]
    taken = [Taken("in_person", at("2027-01-04 09:00"), at("2027-01-04 09:20"))]
    assert clock(slots.open_slots("in_person", taken, MONDAY_EARLY, wide, limit=1)) == [
        "Mon 10:00"
    ]


def test_modes_are_separate_and_rooms_allow_that_many_at_once():
    taken = [Taken("in_person", at("2027-01-04 09:00"), at("2027-01-04 09:20"))]
    assert clock(slots.open_slots("phone", taken, MONDAY_EARLY, rules(), limit=1)) == [
        "Mon 09:00"
    ]
    two_rooms = rules(at_once={"in_person": 2, "phone": 1, "online": 1})
    first = slots.open_slots("in_person", taken, MONDAY_EARLY, two_rooms, limit=1)
    assert clock(first) == ["Mon 09:00"]
    taken.append(Taken("in_person", at("2027-01-04 09:00"), at("2027-01-04 09:20")))
    first = slots.open_slots("in_person", taken, MONDAY_EARLY, two_rooms, limit=1)
    assert clock(first) == ["Mon 09:30"]
    # a mode without hours (online: None here) is not offered at all
    assert not rules().offers("online")
    assert slots.open_slots("online", [], MONDAY_EARLY, rules()) == []


def test_minimum_notice_and_horizon():
    now = at("2027-01-04 09:05")
    open_ = slots.open_slots("phone", [], now, rules(), limit=1)
    assert clock(open_) == ["Mon 11:30"]  # 11:05 is the earliest; 11:30 the next start
    assert not slots.is_open(at("2027-01-04 11:00"), "phone", [], now, rules())
    assert slots.is_open(at("2027-01-04 11:30"), "phone", [], now, rules())
    # 30 days ahead is the last day: Wed 3 Feb is in, Thu 4 Feb is not
    assert slots.is_open(at("2027-02-03 09:00"), "phone", [], now, rules())
    assert not slots.is_open(at("2027-02-04 09:00"), "phone", [], now, rules())
    everything = slots.open_slots("phone", [], now, rules(), limit=10_000)
    assert everything[-1].astimezone(LA).date() == date(2027, 2, 3)


def test_closed_dates_weekends_and_off_grid_times_are_not_open():
    closed = rules(closed_dates=["2027-01-04"])
    assert clock(slots.open_slots("phone", [], MONDAY_EARLY, closed, limit=1)) == [
        "Tue 09:00"
    ]
    saturday = at("2027-01-09 09:00")
    assert not slots.is_open(saturday, "phone", [], MONDAY_EARLY, rules())
    assert not slots.is_open(at("2027-01-04 09:10"), "phone", [], MONDAY_EARLY, rules())
    assert not slots.is_open(at("2027-01-04 12:00"), "phone", [], MONDAY_EARLY, rules())


def test_nearest_open_times_to_a_taken_wish():
    taken = [
        Taken("phone", at("2027-01-05 10:00"), at("2027-01-05 10:20")),
        Taken("phone", at("2027-01-05 10:30"), at("2027-01-05 10:50")),
    ]
    near = slots.nearest_open(
        at("2027-01-05 10:00"), "phone", taken, MONDAY_EARLY, rules()
    )
    assert clock(near) == ["Tue 09:00", "Tue 09:30", "Tue 11:00"]


def test_skip_gives_the_next_three():
    first = slots.open_slots("phone", [], MONDAY_EARLY, rules(), limit=3)
    more = slots.open_slots("phone", [], MONDAY_EARLY, rules(), limit=3, skip=3)
    assert clock(first + more) == clock(
        slots.open_slots("phone", [], MONDAY_EARLY, rules(), limit=6)
    )


# --- daylight saving (Los Angeles: clocks go forward on 14 March 2027 at 2:00, back
# on 1 November 2026 at 2:00) -----------------------------------------------------
NIGHT = {"sun": "01:00-04:00"}


def test_the_hour_the_clock_skips_has_no_start_and_consultations_keep_their_length():
    spring = rules(
        consultation_minutes=30,
        buffer_minutes=0,
        min_notice_hours=0,
        hours={"in_person": NIGHT, "phone": None, "online": None},
    )
    now = at("2027-03-13 12:00")
    open_ = slots.open_slots("in_person", [], now, spring, limit=5)
    assert [m.astimezone(LA).strftime("%d %H:%M %Z") for m in open_] == [
        "14 01:00 PST",
        "14 01:30 PST",  # ends at 03:00 PDT: 30 real minutes
        "14 03:00 PDT",  # 02:00 and 02:30 do not exist that night
        "14 03:30 PDT",
        "21 01:00 PDT",  # the next Sunday
    ]
    assert slots.ends_at(open_[1], spring).astimezone(LA).strftime("%H:%M") == "03:00"


def test_the_hour_the_clock_repeats_is_offered_once():
    autumn = rules(
        consultation_minutes=30,
        buffer_minutes=0,
        min_notice_hours=0,
        hours={"in_person": NIGHT, "phone": None, "online": None},
    )
    now = at("2026-10-31 12:00")
    open_ = slots.open_slots("in_person", [], now, autumn, limit=6)
    on_the_day = [m for m in open_ if m.astimezone(LA).date() == date(2026, 11, 1)]
    assert [m.astimezone(LA).strftime("%H:%M") for m in on_the_day] == [
        "01:00",
        "01:30",
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    instants = [slots.instant(m) for m in on_the_day]
    assert len(set(instants)) == len(instants) and instants == sorted(instants)
    # the 1:30 consultation really lasts 30 minutes (it ends at the second 1:00)
    end = slots.ends_at(on_the_day[1], autumn)
    assert slots.instant(end) - slots.instant(on_the_day[1]) == timedelta(minutes=30)


def test_weekday_hours_stay_on_the_clinics_clock_across_the_change():
    now = at("2027-03-12 06:00")  # Friday, PST
    open_ = slots.open_slots("phone", [], now, rules(), limit=7)
    monday = [m for m in open_ if m.astimezone(LA).weekday() == 0]
    assert monday[0].astimezone(LA).strftime("%H:%M %Z") == "09:00 PDT"
    assert open_[0].astimezone(LA).strftime("%H:%M %Z") == "09:00 PST"


def test_late_cancel_window_counts_real_hours_across_the_change():
    now = at("2027-03-13 10:00")  # Saturday, PST
    sunday_ten = at("2027-03-14 10:00")  # PDT: 23 real hours later
    assert slots.within_late_cancel(sunday_ten, now, rules())
    monday_ten = at("2027-03-15 10:00")
    assert not slots.within_late_cancel(monday_ten, now, rules())


def test_quiet_hours_across_midnight():
    assert slots.in_quiet_hours(at("2027-01-04 21:00"), rules())
    assert slots.in_quiet_hours(at("2027-01-05 07:59"), rules())
    assert not slots.in_quiet_hours(at("2027-01-05 08:00"), rules())
    assert slots.after_quiet_hours(at("2027-01-04 21:00"), rules()) == at(
        "2027-01-05 08:00"
    )
    assert slots.after_quiet_hours(at("2027-01-05 06:00"), rules()) == at(
        "2027-01-05 08:00"
    )
    noon = at("2027-01-05 12:00")
    assert slots.after_quiet_hours(noon, rules()) == noon
    utc_noon = datetime(2027, 1, 5, 20, 0, tzinfo=timezone.utc)  # 12:00 in LA
    assert not slots.in_quiet_hours(utc_noon, rules())


@pytest.mark.parametrize(
    "change, message",
    [
        ({"consultation_minutes": 0}, "consultation_minutes"),
        ({"hours": {"in_person": {"mon": "9-5"}}}, "hours.in_person"),
        ({"hours": {"shop": WEEKDAYS}}, "appointments.hours"),
        ({"at_once": -1}, "at_once"),
        ({"closed_dates": ["25/12/2027"]}, "closed_dates"),
        ({"quiet_hours": "late"}, "quiet_hours"),
        ({"horizon": 3}, "unknown keys"),
    ],
)
def test_a_mistake_in_clinic_yml_names_its_key(change, message):
    with pytest.raises(ValueError, match=message):
        rules(**change)


def test_the_shipped_clinic_yml_has_bookable_times_and_says_they_are_placeholders():
    facts = load_facts(DEFAULT_PATH)
    availability = Availability.from_config(facts["appointments"], facts["time_zone"])
    assert availability.placeholder
    open_ = slots.open_slots("online", [], MONDAY_EARLY, availability, limit=3)
    assert len(open_) == 3
    assert all(m.astimezone(LA).time() >= time(9, 0) for m in open_)
