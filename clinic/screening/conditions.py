"""The screen's conditions and the cue words, loaded from the data files (the one list).

contraindications.yml holds the clinic's contraindications, the emergency signs (red
flags) and the crisis phrases; cues.yml the words around a mention that change what it
means (negation, "not sure", time, another person). Both are read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import yaml

DATA_PATH = Path(__file__).resolve().parent / "contraindications.yml"
CUES_PATH = Path(__file__).resolve().parent / "cues.yml"
WORDS_PATH = Path(__file__).resolve().parent / "words.yml"
# The word lists words.yml must hold (the shape of a sentence, ages, numbers).
WORD_LISTS = frozenset(
    {"sentence_ends", "clause_boundaries", "first_person", "had_markers",
     "age_subjects", "age_auxiliaries", "age_hedges", "age_ends", "duration_years",
     "age_not_duration",
     "number_units", "number_tens"}
)  # fmt: skip
# The keys an entry of contraindications.yml may have (anything else is a typo that
# would silently turn a rule off, so loading refuses it).
CONDITION_KEYS = frozenset(
    {"id", "label", "short", "reason", "outcome", "phrases", "exact", "near",
     "exclude", "history_of", "explained_by", "unexplained_if", "beyond_articles",
     "recent_only", "explained_only_before"}
)  # fmt: skip
NEAR_KEYS = frozenset({"window", "groups", "context", "across_sentences", "unless"})
CRISIS_KEYS = frozenset({"phrases", "exclude", "near"})
# The cue categories the matcher reads (cues.yml must hold exactly these).
CUE_CATEGORIES = frozenset(
    {"negation", "uncertainty", "conditional", "not_conditional", "generic", "history",
     "long_ago", "planned", "planned_after", "now", "habitual", "other_person",
     "pronoun", "carer", "reported_speech", "other_present", "care_words", "resolved"}
)  # fmt: skip
CRISIS = "crisis"


@dataclass(frozen=True)
class NearRule:
    """Word groups that must all occur in one sentence, at most `window` words apart
    (in the whole message when `across_sentences`: a story told over several short
    sentences, "My leg hurts. It's red and hot.")."""

    window: int
    groups: Tuple[Tuple[str, ...], ...]
    context: Tuple[str, ...] = ()  # one of these anywhere in the message, if given
    across_sentences: bool = False
    # none of these anywhere in the message: a cause the patient already names
    # ("sciatica on the left side with tingling" is not a stroke)
    unless: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    reason: str
    outcome: str  # doctor_first or urgent
    phrases: Tuple[str, ...]
    exact: Tuple[str, ...] = ()
    near: Tuple[NearRule, ...] = ()
    exclude: Tuple[str, ...] = ()
    history_of: Optional[str] = None
    explained_by: Tuple[str, ...] = ()
    unexplained_if: Tuple[str, ...] = ()  # "could it be a blood clot?" undoes it
    beyond_articles: bool = False
    # Only a recent episode counts (an injury or surgery): one told as long ago
    # ("in 2012", "as a teenager", "years ago") is healed, not on the list.
    recent_only: bool = False
    # What explains the sign was an earlier episode ("my heart attack"): it does not
    # explain the sign told as happening now ("Now I have chest pain again").
    explained_only_before: bool = False
    # the label where space is dear (the SMS list); the label itself if not given
    short: str = ""

    @property
    def short_label(self) -> str:
        return self.short or self.label

    @property
    def is_red_flag(self) -> bool:
        return self.outcome == "urgent"


@dataclass(frozen=True)
class CrisisList:
    phrases: Tuple[str, ...]
    exclude: Tuple[str, ...] = field(default_factory=tuple)
    near: Tuple[NearRule, ...] = field(default_factory=tuple)  # "how much ... to die"


def _words(values: Optional[List[Any]]) -> Tuple[str, ...]:
    return tuple(str(v).lower() for v in values or [])


def _near_rules(entry: Dict[str, Any]) -> Tuple[NearRule, ...]:
    """An entry's `near` rules, their keys checked."""
    rules = []
    for rule in entry.get("near") or []:
        _known_keys(rule, NEAR_KEYS, f"{entry.get('id', 'crisis')}: near")
        rules.append(
            NearRule(
                int(rule["window"]),
                tuple(_words(g) for g in rule["groups"]),
                _words(rule.get("context")),
                bool(rule.get("across_sentences")),
                _words(rule.get("unless")),
            )
        )
    return tuple(rules)


def _parse(entries: List[Dict[str, Any]], outcome: str) -> List[Condition]:
    conditions = []
    for entry in entries:
        _known_keys(entry, CONDITION_KEYS, str(entry.get("id")))
        if entry.get("outcome") != outcome:
            raise ValueError(f"{entry.get('id')}: outcome must be {outcome}")
        conditions.append(
            Condition(
                id=entry["id"],
                label=entry["label"],
                reason=entry["reason"],
                outcome=outcome,
                phrases=_words(entry.get("phrases")),
                exact=_words(entry.get("exact")),
                near=_near_rules(entry),
                exclude=_words(entry.get("exclude")),
                history_of=entry.get("history_of"),
                explained_by=_words(entry.get("explained_by")),
                unexplained_if=_words(entry.get("unexplained_if")),
                beyond_articles=bool(entry.get("beyond_articles")),
                recent_only=bool(entry.get("recent_only")),
                explained_only_before=bool(entry.get("explained_only_before")),
                short=str(entry.get("short") or ""),
            )
        )
    return conditions


@lru_cache(maxsize=1)
def _data() -> Dict[str, Any]:
    return dict(yaml.safe_load(DATA_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def all_conditions() -> Tuple[Condition, ...]:
    """Contraindications first, then red flags, in file order."""
    data = _data()
    conditions = _parse(data["contraindications"], "doctor_first") + _parse(
        data["red_flags"], "urgent"
    )
    ids = [c.id for c in conditions]
    if len(ids) != len(set(ids)) or CRISIS in ids:
        raise ValueError(
            "duplicate (or reserved) condition ids in contraindications.yml"
        )
    known = set(ids)
    for condition in conditions:
        if condition.history_of and condition.history_of not in known:
            raise ValueError(
                f"{condition.id}: history_of {condition.history_of} unknown"
            )
    return tuple(conditions)


@lru_cache(maxsize=1)
def crisis_list() -> CrisisList:
    entry = _data()["crisis"]
    _known_keys(entry, CRISIS_KEYS, "crisis")
    return CrisisList(
        _words(entry["phrases"]), _words(entry.get("exclude")), _near_rules(entry)
    )


def _named_lists(path: Path, names: FrozenSet[str]) -> Dict[str, Tuple[str, ...]]:
    """A file of named word lists holding exactly `names` (lowercase, file order)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown, missing = set(data) - names, names - set(data)
    if unknown or missing:
        raise ValueError(
            f"{path.name}: unknown lists {sorted(unknown)}, missing {sorted(missing)}"
        )
    return {name: _words(values) for name, values in data.items()}


@lru_cache(maxsize=1)
def cues() -> Dict[str, Tuple[str, ...]]:
    """Cue category -> phrases, from cues.yml."""
    return _named_lists(CUES_PATH, CUE_CATEGORIES)


@lru_cache(maxsize=1)
def words() -> Dict[str, Tuple[str, ...]]:
    """Word list name -> words, from words.yml (numbers: units 0-19, tens 20-90)."""
    lists = _named_lists(WORDS_PATH, WORD_LISTS)
    if len(lists["number_units"]) != 20 or len(lists["number_tens"]) != 8:
        raise ValueError("words.yml: number_units must be 0-19, number_tens 20-90")
    return lists


def _known_keys(entry: Dict[str, Any], allowed: FrozenSet[str], where: str) -> None:
    """Refuse a key the loader does not read (a typo would turn a rule off)."""
    unknown = set(entry) - allowed
    if unknown:
        raise ValueError(
            f"contraindications.yml, {where}: unknown keys {sorted(unknown)}"
        )


def by_id() -> Dict[str, Condition]:
    return {c.id: c for c in all_conditions()}


def contraindications() -> List[Condition]:
    return [c for c in all_conditions() if not c.is_red_flag]


def red_flags() -> List[Condition]:
    return [c for c in all_conditions() if c.is_red_flag]
