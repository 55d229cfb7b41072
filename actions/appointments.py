"""Rasa glue for real appointments: offer open times, read the patient's pick or words,
hold the time while they confirm.

The open times come from the appointment book (clinic/booking/appointment_book.py) on
the clinic's rules (clinic.yml's `appointments`). A time is offered as a button that
carries its id (`slot_time`); SMS numbers the buttons. "Other times" shows the next
three. A time typed in words is taken when it is open, otherwise the nearest open
ones are offered; a day or part of a day ("Tuesday", "any morning", "asap") narrows
the offer. Every sentence is a response in the domain.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.screening import domain_text
from actions.tracker import conversation_key, entity_value
from clinic.booking import slots
from clinic.booking.appointment_book import AppointmentBook, SlotTaken
from clinic.booking.timeparse import (
    TimeChoice,
    find_part_of_day,
    normalise,
    parse_when,
)
from clinic.booking.wording import slot_label, spoken_day

SLOT_ENTITY = "slot_time"  # domain/booking.yml: a button's time id, or MORE
MORE = "more"
OFFERS_SLOT = "booking_offers"  # ids of the times to offer next (a narrowed choice)
SKIP_SLOT = "booking_offset"  # how many of the nearest times "Other times" skipped
PER_OFFER = 3
LOOK_AHEAD = 60  # open times searched for ones in the part of the day asked for


async def offer(
    book: AppointmentBook,
    mode: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    now: datetime,
    response: str = "utter_ask_booking_time_open",
) -> List[EventType]:
    """Ask for a time with the open ones as buttons: the narrowed choice if there is
    one, else the nearest (after those "Other times" skipped; past the last, the
    nearest again)."""
    holder = conversation_key(tracker)
    wanted = [slots.from_slot_id(i) for i in tracker.get_slot(OFFERS_SLOT) or []]
    times = [t for t in wanted if t is not None]
    skip = int(tracker.get_slot(SKIP_SLOT) or 0)
    events: List[EventType] = []
    if not times:
        times = await services.call(
            book.open_times, mode, now, holder, limit=PER_OFFER, skip=skip
        )
    if not times and skip:
        dispatcher.utter_message(response="utter_booking_no_more_times")
        times = await services.call(book.open_times, mode, now, holder, limit=PER_OFFER)
        events.append(SlotSet(SKIP_SLOT, 0))
    if not times:
        dispatcher.utter_message(response="utter_booking_no_times")
        return events
    zone = book.availability.zone
    buttons = [
        {
            "title": slot_label(t.astimezone(zone)),
            "payload": f'/inform{{"{SLOT_ENTITY}": "{slots.slot_id(t)}"}}',
        }
        for t in times
    ]
    buttons.append(
        {
            "title": domain_text(domain, "utter_button_other_times"),
            "payload": f'/inform{{"{SLOT_ENTITY}": "{MORE}"}}',
        }
    )
    dispatcher.utter_message(response=response, buttons=buttons)
    return events


async def read_time(
    book: AppointmentBook,
    mode: str,
    slot: str,
    text: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    now: datetime,
    default_day: Optional[date],
) -> Optional[Dict[str, Any]]:
    """The slot values for the patient's answer, or None when it reads as no time at
    all (the caller counts the miss)."""
    holder = conversation_key(tracker)
    picked = entity_value(tracker, SLOT_ENTITY)
    if picked == MORE:
        skip = int(tracker.get_slot(SKIP_SLOT) or 0) + PER_OFFER
        return {slot: None, SKIP_SLOT: skip, OFFERS_SLOT: None}
    chosen = slots.from_slot_id(picked)
    if chosen is not None:
        return await _hold(book, mode, slot, chosen, holder, dispatcher, now)
    rules = book.availability
    choice = parse_when(
        text, now, rules.hours[mode], default_day, rules.min_notice, rules.horizon_days
    )
    if choice.status == "unparsed" or (choice.status == "need_time" and not choice.day):
        return None
    if choice.status == "ok" and choice.when is not None and not choice.approximate:
        taken = await services.call(book.taken, mode, now, holder)
        if slots.is_open(choice.when, mode, taken, now, book.availability):
            return await _hold(book, mode, slot, choice.when, holder, dispatcher, now)
    return await _narrowed(book, mode, slot, choice, text, holder, dispatcher, now)


async def _hold(
    book: AppointmentBook,
    mode: str,
    slot: str,
    when: datetime,
    holder: str,
    dispatcher: CollectingDispatcher,
    now: datetime,
) -> Dict[str, Any]:
    try:
        await services.call(book.hold, holder, mode, when, now)
    except SlotTaken:
        dispatcher.utter_message(response="utter_booking_time_just_taken")
        return {slot: None, OFFERS_SLOT: None, SKIP_SLOT: 0}
    local = when.astimezone(book.availability.zone)
    return {slot: local.isoformat(), OFFERS_SLOT: None, SKIP_SLOT: 0}


async def _narrowed(
    book: AppointmentBook,
    mode: str,
    slot: str,
    choice: TimeChoice,
    text: str,
    holder: str,
    dispatcher: CollectingDispatcher,
    now: datetime,
) -> Dict[str, Any]:
    """Say why the words gave no open time (if they named one), and keep the open
    times nearest to what they asked for, to offer next."""
    availability = book.availability
    zone = availability.zone
    times: Sequence[datetime] = []
    if choice.status == "past":
        dispatcher.utter_message(response="utter_booking_time_past")
    elif choice.status == "too_far" or (
        choice.day is not None
        and choice.day > slots.bookable_range(now, availability)[1]
    ):
        dispatcher.utter_message(
            response="utter_booking_time_too_far", days=availability.horizon_days
        )
    elif choice.when is None and choice.day is not None:  # a day: "Tuesday"
        start = datetime.combine(choice.day, datetime.min.time(), tzinfo=zone)
        times = await services.call(
            book.open_times, mode, now, holder, start, start + timedelta(days=1)
        )
        if not times:
            dispatcher.utter_message(
                response="utter_booking_day_full", day=spoken_day(choice.day)
            )
            times = await services.call(book.open_times, mode, now, holder, start)
    elif choice.status == "ok" and choice.approximate and choice.when is not None:
        # "Tuesday afternoon", "any morning", "asap": from the first fitting time, in
        # that part of the day when one is named
        times = await services.call(
            book.open_times, mode, now, holder, choice.when, None, LOOK_AHEAD
        )
        window = find_part_of_day(normalise(text))
        if window:
            times = [
                t for t in times if window[0] <= t.astimezone(zone).time() < window[1]
            ]
        times = times[:PER_OFFER]
    elif choice.when is not None:
        dispatcher.utter_message(response="utter_booking_time_not_open")
        times = await services.call(book.nearest_open, choice.when, mode, now, holder)
    return {
        slot: None,
        OFFERS_SLOT: [slots.slot_id(t) for t in times] or None,
        SKIP_SLOT: 0,
    }
