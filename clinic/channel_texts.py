"""The texts channels say themselves (channel_texts.yml, beside the domain).

Read once per process and checked at start-up: every text the channels need is there,
and its placeholders are only the clinic's facts and the channel's own values.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet

import yaml

from clinic import facts

PATH = Path(__file__).resolve().parent.parent / "channel_texts.yml"
WORDS = "words"
# text name -> the placeholders the channel fills itself (clinic facts come on top)
TEXTS: Dict[str, FrozenSet[str]] = {
    "apology": frozenset(),
    "empty": frozenset(),
    "too_long": frozenset({"limit"}),
    "unknown_command": frozenset(),
    "sms_help": frozenset(),
    "sms_stop": frozenset(),
    "sms_start": frozenset(),
    "sms_media": frozenset(),
    "sms_options": frozenset({"options"}),
    "sms_option": frozenset({"number", "title"}),
    "reminder_confirmed": frozenset({"reference"}),
    "reminder_cancelled": frozenset({"reference"}),
    "reminder_late": frozenset({"reference", "hours"}),
}


@lru_cache(maxsize=1)
def _texts() -> Dict[str, str]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8")) or {}
    data.pop(WORDS, None)  # clinic/words.py reads and checks them
    missing, unknown = set(TEXTS) - set(data), set(data) - set(TEXTS)
    if missing or unknown:
        raise ValueError(
            f"{PATH.name}: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    allowed_facts = set(facts.SLOT_FOR_FACT.values())
    for name, text in data.items():
        fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
        wrong = fields - TEXTS[name] - allowed_facts
        if wrong:
            raise ValueError(
                f"{PATH.name}: {name} uses unknown placeholders {sorted(wrong)}"
            )
    return {name: str(text) for name, text in data.items()}


def text(name: str, **values: object) -> str:
    """The text `name`, with the clinic's facts and `values` filled in."""
    return _texts()[name].format(**facts.clinic_slots(), **values)
