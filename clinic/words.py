"""Words the assistant puts inside its answers: how a kind of consultation reads, the
phrase for a clinic fact staff have not filled in, the titles of the "Did you mean"
options. They live in channel_texts.yml (`words:`), beside the domain, so staff edit
every text a patient reads in text files, never in Python; this module reads them and
depends on nothing else in clinic/ (clinic/facts.py and clinic/channel_texts.py both
use it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

PATH = Path(__file__).resolve().parent.parent / "channel_texts.yml"
NAMES = (
    "mode_online",
    "mode_phone",
    "mode_in_person",
    "consultation",
    "consultation_with_physio",
    "fact_missing",
    "option_book_consultation",
    "option_safety_check",
    "option_human_handoff",
    "option_affirm",
    "option_deny",
    "option_out_of_scope",
    "option_greet",
    "option_goodbye",
    "option_thank",
    "option_stop",
    "option_bot_challenge",
)


@lru_cache(maxsize=1)
def _words() -> Dict[str, str]:
    data = (yaml.safe_load(PATH.read_text(encoding="utf-8")) or {}).get("words") or {}
    missing, unknown = set(NAMES) - set(data), set(data) - set(NAMES)
    if missing or unknown:
        raise ValueError(
            f"{PATH.name} words: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    empty = [name for name, text in data.items() if not str(text or "").strip()]
    if empty:
        raise ValueError(f"{PATH.name} words: empty {sorted(empty)}")
    return {name: str(text) for name, text in data.items()}


def word(name: str) -> str:
    """The words `name` (one of NAMES)."""
    return _words()[name]
