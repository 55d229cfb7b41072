"""A message in another language gets a short reply in it, never an English answer to a
question the assistant did not understand.

The classifier and the encoder read English. "¿Cuánto cuesta un masaje?" once got the
English answer about massage types. This component, after the classifier and its
fallback guards, asks a language identifier whose model ships inside its wheel
(py3langid, the langid.py model; BSD licence) how likely the message is English,
among the languages the clinic's patients write in. Below `english_below`, the
message becomes intent `other_language`, with its language as the entity `language`,
and the assistant answers in that language where the domain has the text (Spanish),
in English otherwise, with the clinic's phone number (domain/general.yml).

Two things keep English messages out (chosen on tests/realworld/languages_dev.yml and
every English text we hold):
- a single word in plain ASCII is left alone ("nada", "thx", "bonjour" read as
  foreign and mean something here);
- a message the classifier understood confidently (`keep_above`) keeps its route,
  unless it understood it as out of scope: English chat, names and misspellings
  ("need a massge appt") are confident, foreign questions almost never are.
Crisis words and emergency signs the list reads still win (nlp/health_reader.py runs
after this).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from nlp.component import MessageReader
from nlp.routing import set_intent

OTHER_LANGUAGE_INTENT = "other_language"
LANGUAGE_ENTITY = "language"
# not a sign of understanding: the classifier's "I don't know" answers
UNDERSTOOD_NOTHING = {"out_of_scope", "nlu_fallback"}
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4)
def _identifier(languages: Tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def language_scores(text: str, languages: Tuple[str, ...]) -> List[Tuple[str, float]]:
    """(language, probability) among `languages`, most likely first."""
    return [(str(code), float(p)) for code, p in _identifier(languages).rank(text)]


def _plain_single_word(text: str) -> bool:
    words = _WORD.findall(text)
    return len(words) < 2 and all(ord(ch) < 128 for word in words for ch in word)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class LanguageGuard(MessageReader):
    """Messages in another language to `other_language` (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults only; config.yml sets them (chosen on the languages dev split)."""
        return {
            "languages": ["en", "es", "pt", "fr", "vi", "tl", "zh", "ko"],
            "english_below": 0.05,
            "keep_above": 0.8,
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._languages = tuple(config["languages"])
        self._english_below = float(config["english_below"])
        self._keep_above = float(config["keep_above"])
        _identifier(self._languages)  # load the model with the assistant

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self.other_language(message)
            if language:
                _route(message, language)
        return messages

    def other_language(self, message: Message) -> Optional[str]:
        """The message's language when it is not English (see module docstring)."""
        text = message.get(TEXT) or ""
        if not text.strip() or text.startswith("/") or _plain_single_word(text):
            return None
        if self._understood(message):
            return None
        scores = language_scores(text, self._languages)
        english = dict(scores).get("en", 0.0)
        return scores[0][0] if english < self._english_below else None

    def _understood(self, message: Message) -> bool:
        ranking = [
            i
            for i in message.get(INTENT_RANKING_KEY) or []
            if i.get(INTENT_NAME_KEY) != "nlu_fallback"
        ]
        if not ranking:
            return False
        best = ranking[0]
        return (
            best.get(INTENT_NAME_KEY) not in UNDERSTOOD_NOTHING
            and float(best.get("confidence") or 0.0) >= self._keep_above
        )


def _route(message: Message, language: str) -> None:
    set_intent(message, OTHER_LANGUAGE_INTENT)
    text = message.get(TEXT) or ""
    entity = {
        "entity": LANGUAGE_ENTITY,
        "value": language,
        "start": 0,
        "end": len(text),
        "extractor": LanguageGuard.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
