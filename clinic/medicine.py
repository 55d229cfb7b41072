"""Is a message a question about a medicine? (pure functions, words in medicines.yml)

The assistant never advises on medicines or doses: when a muscle relaxant takes
effect, whether to take more of an anxiety medicine, whether a pain gel is safe with a
blood thinner. Such a question gets "please ask your doctor or pharmacist"
(`utter_out_of_scope/medicine`), whatever condition it also names, even where the
classifier would have read a massage topic into it. The classifier learns these
questions too; this reader is the floor under it for the plain cases: a medicine named,
a question asked about it, and no word about massage. With a massage word the
classifier decides: "can I have a massage on blood thinners?" is the health screen's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Pattern

import yaml

WORDS_PATH = Path(__file__).resolve().parent / "medicines.yml"
KEYS = ("classes", "names", "asking", "massage")


def _pattern(phrases: Iterable[str]) -> Pattern[str]:
    """One regex for a list of phrases: word boundaries, any spaces or hyphens between
    words, a trailing '*' for any ending."""
    parts = []
    for phrase in phrases:
        stem = phrase.rstrip("*")
        words = [re.escape(w) for w in re.split(r"[\s-]+", stem.strip())]
        ending = r"\w*" if phrase.endswith("*") else ""
        parts.append(r"[\s-]+".join(words) + ending)
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


@lru_cache(maxsize=1)
def _patterns() -> Dict[str, Pattern[str]]:
    data = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8")) or {}
    missing = [key for key in KEYS if not data.get(key)]
    if missing:
        raise ValueError(f"{WORDS_PATH.name}: missing or empty list(s) {missing}")
    return {key: _pattern(data[key]) for key in KEYS}


def _plain(text: str) -> str:
    """Lower case, plain apostrophes, a number apart from its unit ("800mg")."""
    text = text.lower().replace("’", "'").replace("`", "'")
    return re.sub(r"(\d)([a-z])", r"\1 \2", text)


def names_medicine(text: str) -> bool:
    """A medicine, by kind ("muscle relaxant") or by name ("tylenol")."""
    plain = _plain(text)
    patterns = _patterns()
    return bool(patterns["classes"].search(plain) or patterns["names"].search(plain))


def asks_about_medicine(text: str) -> bool:
    """A question about a medicine that says nothing about massage."""
    plain = _plain(text)
    patterns = _patterns()
    if not names_medicine(plain) or patterns["massage"].search(plain):
        return False
    return "?" in plain or bool(patterns["asking"].search(plain))
