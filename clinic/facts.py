"""The clinic's facts, read once from clinic.yml at the project root.

Responses in domain/ refer to these facts through `clinic_*` slots, which
action_session_start fills at the start of every conversation. A fact that staff
have not filled in yet is shown as an honest "not listed here yet" instead of a guess.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional
from zoneinfo import ZoneInfo

import yaml

from clinic.booking.availability import Availability
from clinic.hours import OpeningHours
from clinic.settings import settings
from clinic.words import word

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"
# a fact staff have not filled in, as the answers say it (channel_texts.yml, words)
MISSING = word("fact_missing")

PHONE_LISTED_SLOT = "clinic_phone_listed"
# clinic.yml key -> slot name used in the domain's responses
SLOT_FOR_FACT: Dict[str, str] = {
    "name": "clinic_name",
    "city": "clinic_city",
    "address": "clinic_address",
    "phone": "clinic_phone",
    "email": "clinic_email",
    "website": "clinic_website",
    "opening_hours": "clinic_opening_hours",
    "directions": "clinic_directions",
    "prices": "clinic_prices",
    "insurance": "clinic_insurance",
    "payment_methods": "clinic_payment_methods",
    "reply_time": "clinic_reply_time",
}


def is_filled(value: Any) -> bool:
    """A fact counts as known unless it is empty or still a FILL_IN placeholder."""
    if value is None:
        return False
    text = str(value).strip()
    return bool(text) and "FILL_IN" not in text.upper()


def load_facts(path: Optional[Path] = None) -> Dict[str, Any]:
    """Read clinic.yml (or $CLINIC_CONFIG); a broken file fails loudly at start-up."""
    path = Path(path or settings().clinic_config)
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of clinic facts")
    unknown = set(data) - set(SLOT_FOR_FACT) - {"time_zone", "appointments", "review"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    OpeningHours.from_config(data.get("opening_hours"))  # a typo fails at start-up
    ZoneInfo(str(data.get("time_zone") or "UTC"))
    review = data.get("review") or {}
    if not isinstance(review, dict) or set(review) - {"redact_conditions"}:
        raise ValueError(f"{path}: review: only redact_conditions: true|false")
    if data.get("appointments") is not None:
        Availability.from_config(
            data["appointments"], str(data.get("time_zone") or "UTC")
        )
    return data


def _fact_text(key: str, value: Any) -> str:
    if key == "opening_hours":
        return OpeningHours.from_config(value).describe()
    return str(value).strip()


def slot_values(facts: Mapping[str, Any]) -> Dict[str, str]:
    """Slot values for the responses: the fact, or the honest MISSING phrase; and
    whether a phone number is listed (a reply gives the number only then)."""
    return {
        **{
            slot: _fact_text(key, facts[key]) if is_filled(facts.get(key)) else MISSING
            for key, slot in SLOT_FOR_FACT.items()
        },
        PHONE_LISTED_SLOT: "yes" if is_filled(facts.get("phone")) else "no",
    }


@lru_cache(maxsize=1)
def clinic_slots() -> Dict[str, str]:
    """The slot values of the configured clinic, computed once per process."""
    return slot_values(clinic_facts())


@lru_cache(maxsize=1)
def clinic_facts() -> Dict[str, Any]:
    return load_facts()


def opening_hours() -> OpeningHours:
    """Structured hours for booking checks (`OpeningHours.unknown()` until filled
    in)."""
    return OpeningHours.from_config(clinic_facts().get("opening_hours"))


@lru_cache(maxsize=1)
def availability() -> Optional[Availability]:
    """When consultations can be booked (clinic.yml's `appointments`); None without
    that block: bookings are then requests the clinic team confirms."""
    facts = clinic_facts()
    if facts.get("appointments") is None:
        return None
    return Availability.from_config(
        facts["appointments"], str(facts.get("time_zone") or "UTC")
    )


def review_redacts_conditions() -> bool:
    """Whether the review inbox shows a named condition as its id (the default)."""
    return bool((clinic_facts().get("review") or {}).get("redact_conditions", True))


def time_zone() -> ZoneInfo:
    return ZoneInfo(str(clinic_facts().get("time_zone") or "UTC"))


def fact(key: str) -> Optional[str]:
    """One fact as text, or None while staff have not filled it in."""
    value = clinic_facts().get(key)
    return _fact_text(key, value) if is_filled(value) else None
