"""Read a patient's words for the clinic's list: what applies, what is ruled out, what
is unsure, whether an emergency sign is happening now, and whether they are in crisis.

Rule matching with spaCy, no trained model, so every decision can be traced to a line
of data (contraindications.yml, cues.yml):

0. The text is read as plain ASCII punctuation ("can’t" as "can't") and with the
   list's misspelt words corrected ("pregnat", "dibetes": spelling.py).
1. Mentions: phrases on words and on lemmas ("clots" finds "clot"), `exact` phrases on
   words only ("expecting" must not find "expect"), and `near` rules (words of each
   group in one sentence: "my calf ... hard and swollen"). A phrase in a condition's
   `exclude` list cancels an overlapping mention ("wound up", "frozen shoulder").
2. Readings, from the words around each mention:
   - negated in its clause ("no fever", "I don't have diabetes") -> ruled out, unless
     the words say unsure ("I don't know if I'm pregnant") -> unsure, never ruled out;
   - "not sure", "might", "being tested for" -> unsure;
   - a question ("can I have a massage if I'm pregnant?") -> unsure for the list; for an
     emergency sign ("what if I get chest pain?") no emergency; a likeness ("as if a
     fist was gripping my chest") is not a question;
   - about people in general ("people with cancer") -> not the patient's;
   - another person's illness ("my mum had cancer years ago", "my mother has breast
     cancer") -> not the patient's, unless it is present and the message is about
     their care ("my wife is pregnant, can she have a massage?"); another person's
     sign happening now ("my wife's face is drooping") -> an emergency;
   - what someone says to the patient ("he said it was the pregnancy") is about the
     patient again, and so is a story whose only other people are the patient's carers
     ("my GP ... he rang back: osteoporosis");
   - an emergency sign anchored weeks, months or years back ("as a teenager", "in
     2015", "when I was 12", also carried from an earlier sentence of the same
     story), a habit ("my ankle tends to swell") or explained by a known condition
     (lymphoedema, unless the patient asks whether it is a clot) -> a history item
     (`history_of`), not an emergency. Past tense alone does not make it
     history: "I woke up with terrible chest pain" is an emergency.
   - a possible problem the message says was checked and found fine -> ruled out;
   - an injury or surgery still to come ("does it require surgery?") -> not on the
     list.
3. Crisis phrases count unless negated ("I'm not suicidal").

When a condition is both affirmed and ruled out in one message, it counts as present;
unsure beats ruled out: when in doubt, the screen is careful (Findings.settle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import (
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from clinic.language import plain_punctuation
from clinic.screening import readings
from clinic.screening.conditions import (
    CRISIS,
    CUE_CATEGORIES,
    Condition,
    NearRule,
    all_conditions,
    crisis_list,
    cues,
    words,
)
from clinic.screening.findings import Findings
from clinic.screening.spelling import Speller, english_words

# The word lists (words.yml): the shape of a sentence, ages and numbers.
_WORDS = words()
SENTENCE_ENDS = frozenset(_WORDS["sentence_ends"])
CLAUSE_BOUNDARIES = frozenset(_WORDS["clause_boundaries"])
FIRST_PERSON = frozenset(_WORDS["first_person"])
HAD_MARKERS = frozenset(_WORDS["had_markers"])
AGE_SUBJECTS = frozenset(_WORDS["age_subjects"])
AGE_AUXILIARIES = frozenset(_WORDS["age_auxiliaries"])
AGE_HEDGES = frozenset(_WORDS["age_hedges"])
AGE_ENDS = frozenset(_WORDS["age_ends"])
DURATION_YEARS = frozenset(_WORDS["duration_years"])
AGE_NOT_DURATION = frozenset(_WORDS["age_not_duration"])
NUMBER_WORDS = {
    **{word: value for value, word in enumerate(_WORDS["number_units"])},
    **{word: 20 + 10 * i for i, word in enumerate(_WORDS["number_tens"])},
}
NEGATION_WINDOW = 6
PLANNED_WINDOW = 3
CONDITIONAL_WINDOW = 12
# An age someone was counts as long ago from MIN_AGE to MAX_AGE (childhood to the
# twenties: "when I was 35" may be last year); a duration from MIN_YEARS years.
MIN_AGE, MAX_AGE = 3, 29
MIN_YEARS = 2
YEAR = re.compile(r"^(?:19|20)\d\d$")
# "chest pains--right in the middle": a dash glued to a word becomes its own token,
# so the phrases still match
GLUED_DASH = re.compile(r"(?<=\w)(--+)|(--+)(?=\w)")


@dataclass(frozen=True)
class Mention:
    condition: str
    start: int  # first token
    end: int  # one past the last token
    # a `near` rule's word groups (token spans): a negation inside the mention just
    # before the last group still counts ("a stent in my heart, and my knee doesn't
    # hurt"), unless it is one of the rule's own words ("couldn't get air"). Empty
    # for a phrase, whose own words may be negative ("not breathing").
    groups: Tuple[Tuple[int, int], ...] = ()


class ConditionMatcher:
    """The clinic's list as matchers over one spaCy pipeline (tokenizer + lemmas)."""

    def __init__(
        self,
        nlp: Language,
        conditions: Iterable[Condition],
        known_words: FrozenSet[str] = frozenset(),
        today: Callable[[], date] = date.today,
    ) -> None:
        """`known_words`: English words, never read as a misspelling (spelling.py);
        `today`: the clock ("in 2024" is long ago from 2026 on), injected for tests."""
        self._nlp = nlp
        self._today = today
        self._conditions = {c.id: c for c in conditions}
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._exclude = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._explain = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._unexplain = PhraseMatcher(nlp.vocab, attr="LOWER")
        for c in self._conditions.values():
            phrases = list(nlp.pipe(c.phrases))
            self._lower.add(c.id, phrases + list(nlp.pipe(c.exact)))
            self._lemma.add(c.id, phrases)
            if c.exclude:
                self._exclude.add(c.id, _tokenised(nlp, c.exclude))
            if c.explained_by:
                self._explain.add(c.id, _tokenised(nlp, c.explained_by))
            if c.unexplained_if:
                self._unexplain.add(c.id, _tokenised(nlp, c.unexplained_if))
        crisis = crisis_list()
        crisis_phrases = list(nlp.pipe(crisis.phrases))
        self._lower.add(CRISIS, crisis_phrases)
        self._lemma.add(CRISIS, crisis_phrases)  # lemmas too: "ended my life"
        if crisis.exclude:
            self._exclude.add(CRISIS, _tokenised(nlp, crisis.exclude))
        self._near = {
            c.id: [_NearMatcher(nlp, rule) for rule in c.near]
            for c in self._conditions.values()
            if c.near
        }
        if crisis.near:
            self._near[CRISIS] = [_NearMatcher(nlp, rule) for rule in crisis.near]
        self._speller = Speller(_list_words(self._conditions.values()), known_words)
        self._cues = PhraseMatcher(nlp.vocab, attr="LOWER")  # cue category -> words
        for name, cue_words in cues().items():
            self._cues.add(name, _tokenised(nlp, cue_words))

    # ------------------------------------------------------------------ matching
    def find(self, text: str) -> Findings:
        plain = self._speller.correct(plain_punctuation(text or ""))
        doc = self._nlp(GLUED_DASH.sub(lambda m: f" {m.group(0)} ", plain))
        sentence = _sentence_ids(doc)
        reading = _Reading(
            doc, sentence, _spans_by_label(self._cues, doc), self._today()
        )
        excluded = _spans_by_label(self._exclude, doc)
        explained = set(_spans_by_label(self._explain, doc)) - set(
            _spans_by_label(self._unexplain, doc)
        )
        findings = Findings()
        mentions = self._mentions(doc, sentence, excluded)
        emergencies: List[Mention] = []
        for mention in mentions:  # emergency signs and crisis first
            if mention.condition == CRISIS:
                findings.crisis |= not reading.negated(mention)
                continue
            condition = self._conditions[mention.condition]
            if condition.is_red_flag and self._read_red_flag(
                condition, mention, reading, condition.id in explained, findings
            ):
                emergencies.append(mention)
        for mention in mentions:
            listed = self._conditions.get(mention.condition)
            if listed is None or listed.is_red_flag:
                continue
            # "my calf is swollen and red": the emergency sign, not also inflammation
            if any(
                _overlaps((mention.start, mention.end), [(e.start, e.end)])
                for e in emergencies
            ):
                continue
            self._read_contraindication(listed, mention, reading, findings)
        findings.present |= readings.conditions(plain)  # "Temp 101.6", "BP 165/100"
        return findings.settle()

    def _mentions(
        self, doc: Doc, sentence: List[int], excluded: Dict[str, List[Tuple[int, int]]]
    ) -> List[Mention]:
        spans = {
            (doc.vocab.strings[m], s, e)
            for matcher in (self._lower, self._lemma)
            for m, s, e in matcher(doc)
        }
        phrase_mentions = _longest(
            [
                Mention(label, s, e)
                for label, s, e in spans
                if not _overlaps((s, e), excluded.get(label, []))
            ]
        )
        near_mentions = [
            mention
            for condition, matchers in self._near.items()
            for matcher in matchers
            for mention in matcher.find(doc, sentence, condition)
            if not _overlaps((mention.start, mention.end), excluded.get(condition, []))
        ]
        return phrase_mentions + near_mentions

    # ------------------------------------------------------------------ readings
    @staticmethod
    def _read_contraindication(
        condition: Condition, mention: Mention, reading: _Reading, findings: Findings
    ) -> None:
        if reading.generic(mention):
            return
        if condition.recent_only and reading.long_ago(mention):
            return  # "I broke my wrist as a teenager": healed, not on the list
        if condition.recent_only and reading.planned(mention):
            return  # "does it require surgery?": still to come, not had
        if reading.other_person(mention) and not (
            reading.other_present(mention) and reading.about_care
        ):
            return  # someone else's illness is not the patient's, unless asked about
        if reading.uncertain(mention) or reading.conditional(mention):
            if not reading.resolved:
                findings.unsure.add(condition.id)
            return
        if reading.negated(mention):
            findings.absent.add(condition.id)
            return
        findings.present.add(condition.id)

    @staticmethod
    def _read_red_flag(
        condition: Condition,
        mention: Mention,
        reading: _Reading,
        explained: bool,
        findings: Findings,
    ) -> bool:
        """Read one emergency-sign mention; True when it is happening now."""
        if reading.generic(mention) or reading.conditional(mention):
            return False  # "what if I get chest pain?": a question, not an emergency
        if reading.negated(mention) and not reading.uncertain(mention):
            findings.absent.add(condition.id)
            return False
        other = reading.other_person(mention)
        # "I had a heart attack in 2019. Now I have chest pain again": what explained
        # the sign then does not explain it happening now
        if condition.explained_only_before and reading.said_now(mention):
            explained = False
        past = reading.history(mention) or reading.habitual(mention) or explained
        if not past:
            findings.urgent.add(condition.id)  # now, also "not sure if it's a clot"
            return True
        # a past episode is a history item; a sign explained by another condition
        # ("facial weakness from Bell's palsy") is that condition, not this history
        if condition.history_of and not (other or reading.resolved or explained):
            findings.present.add(condition.history_of)  # checked and fine: nothing
        return False


class _NearMatcher:
    """One `near` rule: a word of every group in one sentence (or the message, when
    the rule reads across sentences), within `window`; with a `context` word somewhere
    in the message, if the rule has one, and none of its `unless` words."""

    def __init__(self, nlp: Language, rule: NearRule) -> None:
        self._window = rule.window
        self._across = rule.across_sentences
        self._groups = []
        for index, group in enumerate(rule.groups):
            matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
            matcher.add(str(index), _tokenised(nlp, group))
            lemma.add(str(index), list(nlp.pipe(group)))
            self._groups.append((matcher, lemma))
        self._context: Optional[PhraseMatcher] = None
        if rule.context:
            self._context = PhraseMatcher(nlp.vocab, attr="LOWER")
            self._context.add("context", _tokenised(nlp, rule.context))
        self._unless: Optional[PhraseMatcher] = None
        if rule.unless:
            self._unless = PhraseMatcher(nlp.vocab, attr="LOWER")
            self._unless.add("unless", _tokenised(nlp, rule.unless))

    def find(self, doc: Doc, sentence: List[int], condition: str) -> List[Mention]:
        """Mentions of `condition`; `sentence`: each token's sentence number."""
        if self._context is not None and not self._context(doc):
            return []
        if self._unless is not None and self._unless(doc):
            return []
        hits: List[List[Tuple[int, int]]] = []
        for matcher, lemma in self._groups:
            spans = sorted({(s, e) for m in (matcher, lemma) for _, s, e in m(doc)})
            if not spans:
                return []
            hits.append(spans)
        mentions = []
        for start, end in hits[0]:
            chosen = [(start, end)]
            for spans in hits[1:]:
                near = [
                    (s, e)
                    for s, e in spans
                    if (self._across or sentence[s] == sentence[start])
                    and (s, e) != (start, end)
                    and abs(s - start) <= self._window
                ]
                if not near:
                    break
                chosen.append(min(near, key=lambda span: abs(span[0] - start)))
            else:
                mentions.append(
                    Mention(
                        condition,
                        min(s for s, _ in chosen),
                        max(e for _, e in chosen),
                        groups=tuple(sorted(chosen)),
                    )
                )
        return mentions


class _Reading:
    """The words around the mentions of one message."""

    def __init__(
        self,
        doc: Doc,
        sentence: List[int],
        found: Dict[str, List[Tuple[int, int]]],
        today: date,
    ) -> None:
        self._doc = doc
        self._today = today
        # "it felt as if a fist was gripping my chest": a likeness, not a condition
        likeness = found.get("not_conditional", [])
        found = dict(found)
        found["conditional"] = [
            span
            for span in found.get("conditional", [])
            if not _overlaps(span, likeness)
        ]
        self._found = found  # cue category -> token spans
        self._sentence = sentence
        self.resolved = bool(found.get("resolved"))
        self.about_care = bool(found.get("care_words"))
        self._history_anchors = self._anchor_tokens(
            ("history", "long_ago"), years_before=0
        )
        # "<number> years" tells how long the thing in its own sentence has lasted
        # ("I've had MS for 10 years"): it is not carried to the next sentences
        self._history_sentences = self._anchored_sentences(
            [i for i in self._history_anchors if i not in set(self._durations)]
        ) | {self._sentence[i] for i in self._durations}
        self._person = self._person_by_token()

    # cue positions
    def _cue_spans(self, name: str) -> List[Tuple[int, int]]:
        if name not in CUE_CATEGORIES:  # a typo here would turn a reading off
            raise KeyError(f"no cue category {name!r} (conditions.CUE_CATEGORIES)")
        return self._found.get(name, [])

    def _clause_start(self, index: int) -> int:
        start = index
        sentence = self._sentence[index] if index < len(self._doc) else -1
        while start > 0 and self._sentence[start - 1] == sentence:
            if self._doc[start - 1].lower_ in CLAUSE_BOUNDARIES:
                break
            start -= 1
        return start

    def _in_clause_before(self, name: str, mention: Mention, window: int) -> bool:
        first = max(self._clause_start(mention.start), mention.start - window)
        return any(first <= s and e <= mention.start for s, e in self._cue_spans(name))

    def _in_sentence_before(self, name: str, mention: Mention, after: int = 0) -> bool:
        sentence = self._sentence[mention.start]
        return any(
            self._sentence[s] == sentence
            and (e <= mention.start or mention.end <= s < mention.end + after)
            for s, e in self._cue_spans(name)
        )

    def _in_sentence(self, name: str, mention: Mention) -> bool:
        sentence = self._sentence[mention.start]
        return any(self._sentence[s] == sentence for s, _ in self._cue_spans(name))

    # readings
    def negated(self, mention: Mention) -> bool:
        if self._in_clause_before("negation", mention, NEGATION_WINDOW):
            return True
        if not mention.groups:
            return False
        last = mention.groups[-1][0]
        return any(
            mention.start < s
            and last - 2 <= e <= last
            and not _overlaps((s, e), mention.groups)
            for s, e in self._cue_spans("negation")
        )

    def uncertain(self, mention: Mention) -> bool:
        return self._in_sentence_before("uncertainty", mention, after=3)

    def conditional(self, mention: Mention) -> bool:
        return self._in_clause_before("conditional", mention, CONDITIONAL_WINDOW)

    def generic(self, mention: Mention) -> bool:
        return self._in_clause_before("generic", mention, CONDITIONAL_WINDOW)

    def said_now(self, mention: Mention) -> bool:
        return self._in_sentence("now", mention)

    def habitual(self, mention: Mention) -> bool:
        return self._in_sentence("habitual", mention)

    def history(self, mention: Mention) -> bool:
        """Told as weeks to years back: an anchor in its sentence or carried from an
        earlier one, unless the sentence turns to now between the anchor and the
        mention ("I had a heart attack years ago and right now my chest hurts")."""
        sentence = self._sentence[mention.start]
        if sentence not in self._history_sentences:
            return False
        anchors = [
            i
            for i in self._history_anchors
            if self._sentence[i] == sentence and i < mention.start
        ]
        if not anchors:
            return True
        return not any(
            self._sentence[s] == sentence and max(anchors) < s < mention.start
            for s, _ in self._cue_spans("now")
        )

    def long_ago(self, mention: Mention) -> bool:
        return self._sentence[mention.start] in self._long_ago_sentences

    @cached_property
    def _long_ago_sentences(self) -> Set[int]:
        """Read only for a `recent_only` mention. A year counts as long ago from the
        year before last ("in 2012", not "in 2025")."""
        return self._anchored_sentences(
            self._anchor_tokens(("long_ago",), years_before=self._today.year - 1)
        )

    def planned(self, mention: Mention) -> bool:
        """Still to come: "does it require surgery?", "surgery would help" (cues.yml,
        planned). "after", "since" or "post" before the mention make it one that was
        had ("I need a massage after my surgery")."""
        first = max(self._clause_start(mention.start), mention.start - PLANNED_WINDOW)
        before = [
            e
            for s, e in self._cue_spans("planned")
            if first <= s and e <= mention.start
        ]
        start = max(before) if before else first
        if any(t.lower_ in HAD_MARKERS for t in self._doc[start : mention.start + 1]):
            return False
        return bool(before) or any(
            s == mention.end for s, _ in self._cue_spans("planned_after")
        )

    def other_person(self, mention: Mention) -> bool:
        return self._person.get(mention.start) == "other"

    def other_present(self, mention: Mention) -> bool:
        return self._in_clause_before("other_present", mention, CONDITIONAL_WINDOW)

    # message-level reading
    def _anchor_tokens(self, names: Tuple[str, ...], years_before: int) -> List[int]:
        """Tokens placing a story at a time the cues `names` say (weeks to years back
        for history, years for long ago): the cues, an age someone was, and a year
        written out before `years_before` (0: any year)."""
        anchors = [s for name in names for s, _ in self._cue_spans(name)]
        anchors += [
            t.i
            for t in self._doc
            if YEAR.match(t.text) and (not years_before or int(t.text) < years_before)
        ]
        if "history" in names:
            anchors += self._durations
        return anchors + self._ages

    def _anchored_sentences(self, anchor_tokens: List[int]) -> Set[int]:
        """Sentences of a story told at the time its anchors say: an anchor in the
        sentence, or in an earlier one, until a sentence says it is happening now."""
        anchors = {self._sentence[i] for i in anchor_tokens}
        now = {self._sentence[s] for s, _ in self._cue_spans("now")}
        anchored, carrying = set(), False
        for sentence in sorted(set(self._sentence)):
            if sentence in anchors:
                carrying = True
            elif sentence in now:
                carrying = False
            if carrying:
                anchored.add(sentence)
        return anchored

    @cached_property
    def _ages(self) -> List[int]:
        """Tokens giving an age someone was (AGE_* and MIN_AGE-MAX_AGE above); read
        for history and for long ago, so kept once per message."""
        doc, ages = self._doc, []
        for token in doc:
            word = token.lower_
            if word == "age":
                start = token.i + 1  # "at age 9", "at the age of 9"
                if start < len(doc) and doc[start].lower_ == "of":
                    start += 1
                if token.i == 0 or doc[token.i - 1].lower_ not in ("at", "the"):
                    continue
            elif word in ("was", "been") and self._after_a_person(token.i):
                start = token.i + 1
            else:
                continue
            if start < len(doc) and doc[start].lower_ in AGE_HEDGES:
                start += 1
            value, end = number_at(doc, start)
            after = doc[end].lower_ if end < len(doc) else ""
            if value is not None and MIN_AGE <= value <= MAX_AGE and after in AGE_ENDS:
                ages.append(start)
        return ages

    @cached_property
    def _durations(self) -> List[int]:
        """Tokens of "<number> years" (from MIN_YEARS): weeks to years back, as the
        history cues say ("for seven years", "12 yrs")."""
        doc, found = self._doc, []
        for token in doc:
            value, end = number_at(doc, token.i)
            if value is not None and value >= MIN_YEARS and end < len(doc):
                after = doc[end + 1].lower_ if end + 1 < len(doc) else ""
                if doc[end].lower_ in DURATION_YEARS and after not in AGE_NOT_DURATION:
                    found.append(token.i)
        return found

    def _after_a_person(self, verb: int) -> bool:
        """'I was', 'she must have been': a person, then auxiliaries, then `verb`."""
        i = verb - 1
        while i >= 0 and self._doc[i].lower_ in AGE_AUXILIARIES:
            i -= 1
        return i >= 0 and self._doc[i].lower_ in AGE_SUBJECTS

    def _person_by_token(self) -> Dict[int, str]:
        """Who each token's sentence is about so far: 'self' or 'other' (carried over
        from the previous sentence when a sentence names nobody)."""
        named = {i for s, e in self._cue_spans("other_person") for i in range(s, e)}
        pronouns = {i for s, e in self._cue_spans("pronoun") for i in range(s, e)}
        # "my GP sent me for a scan and he rang back. Verdict? Osteoporosis.": when
        # the only people named are the patient's carers, he and she are the carers,
        # and what follows is still the patient's story.
        carers_only = bool(self._cue_spans("carer")) and not named
        others = named if carers_only else named | pronouns
        # "the doctor said it was my pregnancy": what follows is about the patient
        reported = {e - 1 for s, e in self._cue_spans("reported_speech")}
        person: Dict[int, str] = {}
        current = "self"
        for token in self._doc:
            if token.i in reported:
                current = "self"
            elif token.i in others:
                current = "other"
            elif token.lower_ in FIRST_PERSON:
                current = "self"
            person[token.i] = current
        return person


def _spans_by_label(
    matcher: PhraseMatcher, doc: Doc
) -> Dict[str, List[Tuple[int, int]]]:
    """Match label -> token spans where it matched."""
    found: Dict[str, List[Tuple[int, int]]] = {}
    for match_id, start, end in matcher(doc):
        found.setdefault(doc.vocab.strings[match_id], []).append((start, end))
    return found


def _list_words(conditions: Iterable[Condition]) -> Set[str]:
    """Every word of the list's phrases, rules and exceptions, and of the crisis
    phrases: the words a misspelling is read as."""
    phrases: List[str] = list(crisis_list().phrases) + list(crisis_list().exclude)
    for c in conditions:
        phrases += [
            *c.phrases,
            *c.exact,
            *c.exclude,
            *c.explained_by,
            *c.unexplained_if,
        ]
        for rule in c.near:
            phrases += [p for group in rule.groups for p in group]
            phrases += [*rule.context, *rule.unless]
    return {
        word for phrase in phrases for word in re.findall(r"[a-z]+", phrase.lower())
    }


def _tokenised(nlp: Language, phrases: Iterable[str]) -> List[Doc]:
    """Phrases as token sequences (for matching on words, not lemmas)."""
    return [nlp.make_doc(phrase) for phrase in phrases]


def _sentence_ids(doc: Doc) -> List[int]:
    ids, current = [], 0
    for token in doc:
        ids.append(current)
        if token.text in SENTENCE_ENDS or "\n" in token.text:
            current += 1
    return ids


def _overlaps(span: Tuple[int, int], others: Sequence[Tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def number_at(doc: Doc, i: int) -> Tuple[Optional[int], int]:
    """The number starting at token i ("12", "seven", "twenty-five", "twenty five")
    and the index after it; (None, i) when there is none."""
    if i >= len(doc):
        return None, i
    word = doc[i].lower_
    if word.isdigit():
        return int(word), i + 1
    if word not in NUMBER_WORDS:
        return None, i
    value, end = NUMBER_WORDS[word], i + 1
    if value >= 20:  # "twenty-five", "twenty five"
        unit = end + 1 if end < len(doc) and doc[end].text == "-" else end
        if unit < len(doc) and 0 < NUMBER_WORDS.get(doc[unit].lower_, 0) < 10:
            return value + NUMBER_WORDS[doc[unit].lower_], unit + 1
    return value, end


def _longest(mentions: List[Mention]) -> List[Mention]:
    """Overlapping phrase mentions: the longest wins ("having a heart attack" over
    "heart attack"); the same words on two lists count for both ("mastectomy")."""
    kept: List[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if not any(
            mention.start < k.end
            and k.start < mention.end
            and (k.start, k.end) != (mention.start, mention.end)
            for k in kept
        ):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


@lru_cache(maxsize=1)
def default_matcher() -> ConditionMatcher:
    """The matcher over the clinic's list, built once per process."""
    from clinic.language import build  # the same tokenizer + lemmatizer as the NLU

    return ConditionMatcher(
        build(with_lemmatizer=True), all_conditions(), english_words()
    )


def find_conditions(text: str) -> Findings:
    return default_matcher().find(text)
