"""Preferred times in free words: what patients type, resolved in the clinic's time
zone."""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from clinic.booking.timeparse import parse_when
from clinic.hours import OpeningHours

LA = ZoneInfo("America/Los_Angeles")
HOURS = OpeningHours.from_config(
    {d: "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    | {"sat": "09:00-13:00"}
)
SUNDAY_AFTERNOON = datetime(
    2026, 11, 22, 14, 5, tzinfo=LA
)  # a Sunday; the clinic is closed


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LA)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tomorrow 9am", at(2026, 11, 23, 9, 0)),
        ("tmrw at 9:30", at(2026, 11, 23, 9, 30)),
        ("next Tuesday afternoon", at(2026, 11, 24, 13, 0)),
        (
            "Tuesday at 3",
            at(2026, 11, 24, 15, 0),
        ),  # 3 without am/pm: the open half of the day
        ("Dec 3 at 2:30pm", at(2026, 12, 3, 14, 30)),
        ("3rd of December, 10am", at(2026, 12, 3, 10, 0)),
        ("12/3 10am", at(2026, 12, 3, 10, 0)),  # US month/day
        ("in 2 days at noon", at(2026, 11, 24, 12, 0)),
        ("wednesday half past 11", at(2026, 11, 25, 11, 30)),
        ("Monday morning", at(2026, 11, 23, 8, 0)),
        ("asap", at(2026, 11, 23, 8, 0)),  # the first open time
        ("saturday 11:15 am", at(2026, 11, 28, 11, 15)),
        ("2026-12-01 16:00", at(2026, 12, 1, 16, 0)),
    ],
)
def test_free_words_resolve_to_a_time_the_clinic_is_open(text, expected):
    choice = parse_when(text, SUNDAY_AFTERNOON, HOURS)
    assert choice.status == "ok", choice
    assert choice.when == expected


def test_a_day_without_a_time_asks_for_the_time_and_remembers_the_day():
    first = parse_when("friday", SUNDAY_AFTERNOON, HOURS)
    assert (first.status, first.day) == ("need_time", date(2026, 11, 27))
    second = parse_when("10am please", SUNDAY_AFTERNOON, HOURS, default_day=first.day)
    assert second.status == "ok" and second.when == at(2026, 11, 27, 10, 0)


@pytest.mark.parametrize("text", ["yesterday at 10", "2026-11-20 10:00", "today 9am"])
def test_past_times_are_rejected_with_the_next_open_time_offered(text):
    choice = parse_when(text, SUNDAY_AFTERNOON, HOURS)
    assert choice.status == "past"
    assert choice.suggestion == at(2026, 11, 23, 8, 0)


def test_a_time_within_the_hour_is_too_soon():
    monday_10 = at(2026, 11, 23, 10, 0)
    choice = parse_when("today at 10:30", monday_10, HOURS)
    assert choice.status == "too_soon"
    assert choice.suggestion == at(2026, 11, 23, 11, 0)


@pytest.mark.parametrize(
    "text, suggestion",
    [
        ("tomorrow 7pm", at(2026, 11, 23, 8, 0)),  # after closing: that day's opening
        ("saturday 2pm", at(2026, 11, 28, 9, 0)),  # Saturday closes at 1 pm
        ("sunday 10am", at(2026, 11, 30, 8, 0)),  # closed all day: next open day
        ("next sunday", at(2026, 11, 30, 8, 0)),
    ],
)
def test_times_outside_opening_hours_are_rejected_with_a_suggestion(text, suggestion):
    choice = parse_when(text, SUNDAY_AFTERNOON, HOURS)
    assert choice.status == "closed", choice
    assert choice.suggestion == suggestion
    assert HOURS.is_open(choice.suggestion)


def test_ambiguous_hour_prefers_the_half_of_the_day_that_is_open():
    evening_hours = OpeningHours.from_config({"mon": "14:00-21:00"})
    choice = parse_when("monday at 8", SUNDAY_AFTERNOON, evening_hours)
    assert choice.when == at(2026, 11, 23, 20, 0)
    morning = parse_when("monday at 8", SUNDAY_AFTERNOON, HOURS)
    assert morning.when == at(2026, 11, 23, 8, 0)


def test_a_bare_weekday_that_is_today_with_a_passed_time_means_next_week():
    choice = parse_when("sunday 10am", SUNDAY_AFTERNOON, OpeningHours.unknown())
    assert choice.when == at(2026, 11, 29, 10, 0)


@pytest.mark.parametrize("text", ["blah", "", "🙂", "sometime maybe"])
def test_words_without_a_day_or_time_are_unparsed(text):
    assert parse_when(text, SUNDAY_AFTERNOON, HOURS).status == "unparsed"


def test_whenever_means_the_earliest_time_the_clinic_can_offer():
    choice = parse_when("whenever is fine for me lol", SUNDAY_AFTERNOON, HOURS)
    assert choice.status == "ok" and choice.when == at(2026, 11, 23, 8, 0)


def test_far_future_is_refused():
    assert parse_when("2027-06-01 10:00", SUNDAY_AFTERNOON, HOURS).status == "too_far"


def test_tomorrow_is_the_clinics_tomorrow_not_utcs():
    # 06:00 UTC on Nov 23 is still 22:00 on Nov 22 in California.
    now_utc = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    choice = parse_when("tomorrow 9am", now_utc.astimezone(LA), HOURS)
    assert choice.when == at(2026, 11, 23, 9, 0)
    assert choice.when.astimezone(timezone.utc) == datetime(
        2026, 11, 23, 17, 0, tzinfo=timezone.utc
    )


def test_daylight_saving_changes_the_utc_offset_not_the_clock_time():
    before = datetime(2026, 3, 6, 12, 0, tzinfo=LA)  # Friday before DST starts (Mar 8)
    choice = parse_when("monday 9am", before, HOURS)
    assert choice.when.time() == time(9, 0)
    assert choice.when.utcoffset().total_seconds() == -7 * 3600  # PDT
    assert (
        parse_when("friday 9am", before.replace(day=2), HOURS)
        .when.utcoffset()
        .total_seconds()
        == -8 * 3600
    )  # still PST


def test_unknown_hours_accept_daytime_any_day_and_refuse_the_night():
    unknown = OpeningHours.unknown()
    assert parse_when("sunday 4pm", SUNDAY_AFTERNOON, unknown).status == "ok"
    night = parse_when("tomorrow at 11pm", SUNDAY_AFTERNOON, unknown)
    assert night.status == "closed" and night.suggestion == at(2026, 11, 23, 7, 0)


def test_the_clinics_notice_and_horizon_are_the_ones_that_apply():
    """clinic.yml's min_notice_hours and horizon_days, where the clinic has them, are
    the only limits: no second, built-in pair beside them."""
    from datetime import timedelta

    monday_8am = at(2026, 11, 23, 8, 0)
    soon = parse_when("today at 9:30", monday_8am, HOURS)
    assert soon.status == "ok"  # 1.5 hours' notice is enough by default
    strict = parse_when("today at 9:30", monday_8am, HOURS, None, timedelta(hours=2))
    assert strict.status == "too_soon"
    far = "january 8 at 10am"  # 46 days ahead
    assert parse_when(far, monday_8am, HOURS).status == "ok"
    assert (
        parse_when(far, monday_8am, HOURS, None, timedelta(hours=2), 30).status
        == "too_far"
    )
