"""How booking details read back to the patient: times, contacts, the kind of
consultation (pure functions). The sentences around them are responses in the domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import phonenumbers

from clinic.booking.validation import contact_from_slot, mode_label
from clinic.words import word


def spoken_time(moment: datetime) -> str:
    """'Tuesday, November 24 at 1:00 pm' (in the clinic's time zone, as given)."""
    hour = moment.hour % 12 or 12
    return (
        f"{moment:%A}, {moment:%B} {moment.day} at {hour}:{moment.minute:02d} "
        f"{'am' if moment.hour < 12 else 'pm'}"
    )


def slot_label(moment: datetime) -> str:
    """A button's title for an open time: 'Tue Jan 5, 9:30 am' (clinic's zone, as
    given)."""
    hour = moment.hour % 12 or 12
    return (
        f"{moment:%a} {moment:%b} {moment.day}, {hour}:{moment.minute:02d} "
        f"{'am' if moment.hour < 12 else 'pm'}"
    )


def spoken_day(moment: date) -> str:
    return f"{moment:%A}, {moment:%B} {moment.day}"


def shown_contact(value: Optional[str]) -> str:
    """A phone number the way people write it; e-mail as typed (normalised)."""
    contact = contact_from_slot(value)
    if contact is None:
        return ""
    if contact.kind == "email":
        return contact.value
    number = phonenumbers.parse(contact.value, None)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def consultation_kind(mode: str, with_physio: bool) -> str:
    """'free consultation with a physical therapist, in person' (channel_texts.yml)."""
    kind = word("consultation_with_physio" if with_physio else "consultation")
    return f"{kind}, {mode_label(mode)}"


def when_text(moment: datetime) -> str:
    """'Tuesday, November 24 at 1:00 pm (PST)': a time with its zone, as confirmed."""
    return f"{spoken_time(moment)} ({moment.tzname()})"
