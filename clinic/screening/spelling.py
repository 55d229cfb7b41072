"""Misspelt words of the clinic's list, read as the words meant ("dibetes").

Patients type on phones and misspell the long medical words the list relies on. A
word is corrected only when all of these hold, so ordinary words are never changed:

- it is not an English word: the word list is pyspellchecker's English dictionary
  (a file inside the PyPI package, read offline), so "injection" never becomes
  "infection";
- it is close to exactly one word of the list's phrases (at most one edit, two for
  words of nine letters or more; a swap of two letters is one edit), with the same
  first letter and at least MIN_LENGTH letters;
- no other English word is one edit away: "masage" is "massage" misspelt, not
  "manage".

The correction only feeds the matcher: what the patient wrote is not changed anywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional

MIN_LENGTH = 6
LONG_WORD = 9  # from this length, two edits are allowed
WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """pyspellchecker's English word list (lowercase), loaded once per process."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en").word_frequency.keys())


class Speller:
    """Corrects misspellings of `terms` (the list's own words) in a text."""

    def __init__(self, terms: Iterable[str], known: FrozenSet[str]) -> None:
        self._terms = {t for t in (w.lower() for w in terms) if len(t) >= MIN_LENGTH}
        self._known = known
        self._by_initial: Dict[str, List[str]] = {}
        for term in sorted(self._terms):
            self._by_initial.setdefault(term[0], []).append(term)

    def correct(self, text: str) -> str:
        return WORD.sub(lambda m: self._word(m.group(0)), text)

    def _word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in self._terms or lower in self._known:
            return word
        term = self.closest(lower)
        if term is None or self._another_word_near(lower, term):
            return word
        return term

    def _another_word_near(self, word: str, term: str) -> bool:
        """An English word other than `term` one edit from `word`."""
        return any(
            near != term and near in self._known and near not in self._terms
            for near in _one_edit(word)
        )

    def closest(self, word: str) -> Optional[str]:
        """The one list word within reach of `word`, or None (none, or a tie)."""
        best, best_distance, tie = None, 99, False
        for term in self._by_initial.get(word[0], ()):
            allowed = 2 if len(term) >= LONG_WORD else 1
            if abs(len(term) - len(word)) > allowed:
                continue
            distance = edit_distance(word, term, allowed)
            if distance > allowed:
                continue
            if distance < best_distance:
                best, best_distance, tie = term, distance, False
            elif distance == best_distance:
                tie = True
        return None if tie else best


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, replace, swap neighbours);
    any value above `limit` is reported as limit + 1."""
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> Iterable[str]:
    """Every string one edit from `word` (lowercase letters)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            for letter in LETTERS:
                yield left + letter + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for letter in LETTERS:
            yield left + letter + right
