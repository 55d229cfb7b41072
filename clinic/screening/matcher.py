"""Find conditions in free text: "I'm 20 weeks pregnant", "no fever", "on chemo".

spaCy rule matching, no trained model: a PhraseMatcher on lowercase text and one
on lemmas (so "clots" finds "clot"), the longest match winning where they
overlap. A condition is negated when a negation cue ("no", "not", "n't",
"never", "without") stands before it in the same clause ("I don't have any
blood clots", "not pregnant, but I have diabetes"). A condition both negated and
affirmed in one message counts as present: when unsure, the screen is careful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, List, Set

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from clinic.screening.conditions import Condition, all_conditions

NEGATION_CUES = {
    "no",
    "not",
    "n't",
    "never",
    "without",
    "nor",
    "neither",
    "none",
    "nothing",
}
CLAUSE_BOUNDARIES = {
    ".",
    ",",
    ";",
    "!",
    "?",
    "but",
    "however",
    "although",
    "though",
    "and",
    "except",
    "apart",
    "besides",
}
NEGATION_WINDOW = 6  # tokens looked back from a match


@dataclass
class Findings:
    """Condition ids a message affirms, and those it explicitly rules out."""

    present: Set[str] = field(default_factory=set)
    absent: Set[str] = field(default_factory=set)


class ConditionMatcher:
    def __init__(self, nlp: Language, conditions: Iterable[Condition]) -> None:
        self._nlp = nlp
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for condition in conditions:
            patterns = list(nlp.pipe(condition.phrases))
            self._lower.add(condition.id, patterns)
            self._lemma.add(condition.id, patterns)

    def find(self, text: str) -> Findings:
        doc = self._nlp(text or "")
        spans = [
            Span(doc, start, end, label=match_id)
            for matcher in (self._lower, self._lemma)
            for match_id, start, end in matcher(doc)
        ]
        findings = Findings()
        for span in filter_spans(spans):
            if _is_negated(doc, span.start):
                findings.absent.add(span.label_)
            else:
                findings.present.add(span.label_)
        findings.absent -= findings.present
        return findings


def _is_negated(doc: Doc, start: int) -> bool:
    for token in reversed(doc[max(0, start - NEGATION_WINDOW) : start]):
        word = token.lower_
        if word in CLAUSE_BOUNDARIES:
            return False
        if word in NEGATION_CUES:
            return True
    return False


@lru_cache(maxsize=1)
def default_matcher() -> ConditionMatcher:
    """The matcher over the clinic's list, built once per process."""
    from clinic.language import build  # the same tokenizer + lemmatizer as the NLU

    return ConditionMatcher(build(with_lemmatizer=True), all_conditions())


def find_conditions(text: str) -> Findings:
    return default_matcher().find(text)


def red_flag_ids(ids: Iterable[str]) -> List[str]:
    urgent = {c.id for c in all_conditions() if c.is_red_flag}
    return sorted(i for i in ids if i in urgent)
