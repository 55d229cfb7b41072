"""Crisis, emergency signs and contraindications in the other languages patients write
in (other_languages.yml): the safety gate reads them before the "English only" reply.

The English list (matcher.py) reads English with negation, time and uncertainty. This
reader is deliberately smaller (a phrase or a near rule, a negation among the few words
before, a sentence that tells history), because the stake is different: a crisis or an
emergency written in Spanish must get 988 or 911 in Spanish, not "I only speak
English"; a named contraindication the doctor-first note. Everything else stays with
the polite reply in that language.

- crisis and emergency signs are read in every language's list on every message (a
  Spanish crisis is a crisis whatever the language identifier thought);
- contraindications only in the message's own language (short words such as "bali"
  or "sot" mean something else in English).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import yaml

from clinic.screening.conditions import by_id
from clinic.screening.findings import Findings

LISTS_PATH = Path(__file__).resolve().parent / "other_languages.yml"
KEYS = {"crisis", "exclude", "urgent", "near", "conditions", "negations", "past", "now"}
NEGATION_WINDOW = 3  # words (characters in Chinese) before a phrase
UNSPACED = {"zh"}  # written without spaces between words
_SENTENCE = re.compile(r"[.!?;\n。！？；]+")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*\*?")


@dataclass(frozen=True)
class Phrase:
    words: Tuple[str, ...]  # "word*": any word starting with it

    def at(self, tokens: Sequence[str], start: int) -> bool:
        if start + len(self.words) > len(tokens):
            return False
        return all(
            token.startswith(word[:-1]) if word.endswith("*") else token == word
            for word, token in zip(self.words, tokens[start:], strict=False)
        )


@dataclass(frozen=True)
class LanguageList:
    code: str
    crisis: Tuple[Phrase, ...]
    exclude: Tuple[Phrase, ...]
    urgent: Dict[str, Tuple[Phrase, ...]]
    near: Dict[str, Tuple[Tuple[Set[str], ...], int]]
    conditions: Dict[str, Tuple[Phrase, ...]]
    negations: Set[str]
    past: Tuple[Phrase, ...]
    now: Tuple[Phrase, ...]


@dataclass
class Reading:
    """What a message says in one language: the findings and that language."""

    language: Optional[str] = None
    findings: Findings = field(default_factory=Findings)

    @property
    def found(self) -> bool:
        f = self.findings
        return f.crisis or bool(f.urgent) or bool(f.flagged)


def plain(text: str) -> str:
    """Lowercase, accents and tone marks removed ("está" -> "esta", "tự tử" -> "tu
    tu"); Chinese characters are kept."""
    text = unicodedata.normalize("NFKD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _tokens(text: str, code: str) -> List[str]:
    if code in UNSPACED:
        return [ch for ch in text if not ch.isspace()]
    return _WORD.findall(text)


def _phrases(values: Any, code: str) -> Tuple[Phrase, ...]:
    return tuple(Phrase(tuple(_tokens(plain(str(v)), code))) for v in values or [])


@lru_cache(maxsize=1)
def language_lists() -> Dict[str, LanguageList]:
    """other_languages.yml, checked: unknown keys and unknown condition ids fail."""
    data = yaml.safe_load(LISTS_PATH.read_text(encoding="utf-8"))
    known = set(by_id())
    lists = {}
    for code, entry in data.items():
        if set(entry) != KEYS:
            raise ValueError(f"{LISTS_PATH.name}: {code} needs exactly {sorted(KEYS)}")
        ids = set(entry["urgent"]) | set(entry["near"]) | set(entry["conditions"])
        if ids - known:
            raise ValueError(f"{LISTS_PATH.name}: {code}: unknown ids {ids - known}")
        lists[code] = LanguageList(
            code=code,
            crisis=_phrases(entry["crisis"], code),
            exclude=_phrases(entry["exclude"], code),
            urgent={k: _phrases(v, code) for k, v in entry["urgent"].items()},
            near={
                k: (tuple({plain(str(w)) for w in g} for g in v[:-1]), int(v[-1]))
                for k, v in entry["near"].items()
            },
            conditions={k: _phrases(v, code) for k, v in entry["conditions"].items()},
            negations={plain(str(w)) for w in entry["negations"]},
            past=_phrases(entry["past"], code),
            now=_phrases(entry["now"], code),
        )
    return lists


def read(text: str, language: Optional[str] = None) -> Reading:
    """Crisis and emergency signs in any language's list; contraindications in
    `language`'s (the language identifier's guess). The reading's language: the
    guess, else the language whose list found something."""
    lists = language_lists()
    codes = sorted(lists, key=lambda c: c != language)  # the guessed one first
    for code in codes:
        found = _read(plain(text), lists[code], conditions=code == language)
        if found.crisis or found.urgent or found.flagged:
            return Reading(language if language in lists else code, found)
    return Reading(language)


def _read(text: str, words: LanguageList, conditions: bool) -> Findings:
    findings = Findings()
    for sentence in _SENTENCE.split(text):
        tokens = _tokens(sentence, words.code)
        if not tokens:
            continue
        excluded = _spans(tokens, words.exclude)
        if _found(tokens, words.crisis, words.negations, excluded):
            findings.crisis = True
        history = bool(_spans(tokens, words.past)) and not _spans(tokens, words.now)
        for sign in set(words.urgent) | set(words.near):
            said = _found(
                tokens, words.urgent.get(sign, ()), words.negations, excluded
            ) or _near(tokens, *words.near.get(sign, ((), 0)))
            if not said:
                continue
            if history:
                past = by_id()[sign].history_of
                if past:
                    findings.present.add(past)
            else:
                findings.urgent.add(sign)
        if conditions:
            for condition, phrases in words.conditions.items():
                if _found(tokens, phrases, words.negations, excluded):
                    findings.present.add(condition)
    return findings


def _spans(tokens: Sequence[str], phrases: Sequence[Phrase]) -> List[Tuple[int, int]]:
    return [
        (start, start + len(p.words))
        for p in phrases
        for start in range(len(tokens))
        if p.words and p.at(tokens, start)
    ]


def _found(
    tokens: Sequence[str],
    phrases: Sequence[Phrase],
    negations: Set[str],
    excluded: List[Tuple[int, int]],
) -> bool:
    """A phrase not inside an excluded one and without a negation just before it."""
    for start, end in _spans(tokens, phrases):
        if any(s <= start and end <= e for s, e in excluded):
            continue
        before = tokens[max(0, start - NEGATION_WINDOW) : start]
        if not negations & set(before):
            return True
    return False


def _near(tokens: Sequence[str], groups: Tuple[Set[str], ...], window: int) -> bool:
    """A word of each group, all within `window` words of the first."""
    if not groups:
        return False
    for i, token in enumerate(tokens):
        if token in groups[0]:
            nearby = set(tokens[max(0, i - window) : i + window + 1])
            if all(nearby & group for group in groups[1:]):
                return True
    return False
