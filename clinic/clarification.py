"""Choosing what to offer when the assistant is unsure ("Did you mean ...?").

Pure functions over Rasa's parse data and event list, so they are unit-tested
without a server. The parse data of an unsure message still carries the intent
ranking and the FAQ topic ranking; the best few of both become the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping

import yaml

from clinic.labels import label_scores
from clinic.words import word

TOPICS_PATH = Path(__file__).resolve().parent / "faq_questions.yml"
FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"

# Intents worth offering as an option: what a patient may have meant by a message the
# assistant is unsure of. Their button titles are words in channel_texts.yml
# (option_<intent>). The rest (inform, the emergency and crisis routes, which the
# health reader decides) are never offered.
OFFERABLE_INTENTS = (
    "book_consultation",
    "safety_check",
    "human_handoff",
    # a short answer the assistant could not tell apart ("naw thanks"), and a message
    # that may be about something else entirely
    "affirm",
    "deny",
    "out_of_scope",
    # chat the assistant half recognised ("heller", "ta-ta", "halt"): SMALL_TALK below
    "greet",
    "goodbye",
    "thank",
    "stop",
    "bot_challenge",
)
# Offered only as the best guess (behind "Something else" at most), never as a
# runner-up next to a question about the clinic.
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "stop", "bot_challenge"})
OFF_TOPIC = "/out_of_scope"
MAX_OPTIONS = 3
MIN_SCORE = 0.05


@dataclass(frozen=True)
class Option:
    title: str
    payload: str
    score: float


@lru_cache(maxsize=1)
def topic_questions() -> Dict[str, str]:
    """FAQ topic -> its button question, from faq_questions.yml."""
    with TOPICS_PATH.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def topic_of(intent_response_key: str) -> str:
    """'faq/clothing' -> 'clothing'."""
    return intent_response_key.split("/", 1)[-1]


def candidate_options(
    parse_data: Mapping[str, Any], questions: Mapping[str, str]
) -> List[Option]:
    """Best options, from the one ranking of what the message may mean
    (clinic/labels.py): FAQ topics by their button question, offerable intents by
    their title."""
    scores: Dict[str, Option] = {}
    for label, score in label_scores(parse_data).items():
        if label.startswith(f"{FAQ_INTENT}/"):
            key = topic_of(label)
            if key in questions:
                _keep_best(scores, Option(questions[key], questions[key], score))
        elif label in OFFERABLE_INTENTS:
            title = word(f"option_{label}")
            _keep_best(scores, Option(title, f"/{label}", score))
    best = sorted(scores.values(), key=lambda option: option.score, reverse=True)
    best = _small_talk_only_as_best_guess(best)
    chosen = [option for option in best if option.score >= MIN_SCORE][:MAX_OPTIONS]
    # "Something else" alone is no choice: ask to rephrase instead
    if all(option.payload == OFF_TOPIC for option in chosen):
        return []
    # the catch-all comes last, after the guesses
    return sorted(chosen, key=lambda option: option.payload == OFF_TOPIC)


def _small_talk_only_as_best_guess(best: List[Option]) -> List[Option]:
    """Drop small talk ranked below a real option ("Something else" does not count)."""
    kept: List[Option] = []
    for option in best:
        chat = option.payload.lstrip("/") in SMALL_TALK
        if chat and any(k.payload != OFF_TOPIC for k in kept):
            continue
        kept.append(option)
    return kept


def _keep_best(scores: Dict[str, Option], option: Option) -> None:
    current = scores.get(option.payload)
    if current is None or option.score > current.score:
        scores[option.payload] = option


def consecutive_misses(events: Iterable[Mapping[str, Any]]) -> int:
    """How many of the latest user messages in a row were not understood."""
    misses = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        misses += 1
    return misses
