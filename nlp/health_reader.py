"""Every message, whatever it asks, goes through the clinic's list: the health reader.

Runs last in the NLU pipeline. The same matcher as the screen (clinic/screening/)
reads each message for contraindications, emergency signs and crisis words, and
stores what it found as condition ids under `health` in the parse data (never words):
the screen, the booking and "Did you mean" read them from every earlier message of the
conversation. It then routes the message when safety comes first:

- self-harm or suicidal thoughts -> intent `crisis` (988, 911, a person; nothing
  booked);
- an emergency sign happening now -> intent `emergency` (urgent care, nothing booked).
  The matcher decides, from the words around the sign: the classifier's own
  `emergency` guess gives way to its next guess when the matcher does not read a sign
  happening now ("I fainted once years ago"). On the dev split its guess added false
  alarms, also as a question (17 of 335 descriptions that are not emergencies);
- no sign the list can read, but the emergency net (nlp/emergency_net.py) finds an
  emergency likely -> intent `possible_emergency`: the assistant asks once whether it
  is happening now (action_check_now), never the 911 answer on the net's word alone;
- a contraindication in a question, a remark or an answer -> intent `health_mention`:
  action_health_note gives the doctor-first guidance for it and still answers what was
  asked (kept as `health.asked`, with the classifier's ranking). Inside a form the
  form takes the answer as usual and its validator notes the condition.
Intents that act on the conversation itself (stop, a person, a booking change, forget
me) keep their route. The net also names list items it finds likely that the list did
not read (`health.likely`): the screen asks about those by name first.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from clinic.screening import other_languages
from nlp.component import MessageReader
from nlp.emergency_net import EmergencyNet, NetReading
from nlp.language_guard import LANGUAGE_ENTITY, OTHER_LANGUAGE_INTENT
from nlp.question import story_part
from nlp.routing import set_intent
from nlp.sentence_encoder import STORY_ORIGIN, reading

logger = logging.getLogger(__name__)
HEALTH_KEY = "health"
CRISIS_INTENT = "crisis"
EMERGENCY_INTENT = "emergency"
MENTION_INTENT = "health_mention"
CHECK_INTENT = "possible_emergency"
ENGLISH = "en"
# Intents that keep their own route when the message also names a condition: they
# act on the conversation itself (the note would get in their way). Everything else,
# a question, a remark, "yes, I'm pregnant", goes to the note.
OWN_ROUTE_INTENTS = {
    "stop",
    "human_handoff",
    "cancel_booking",
    "reschedule_booking",
    "forget_me",
    "not_urgent",
    EMERGENCY_INTENT,
    CRISIS_INTENT,
    CHECK_INTENT,
    # a message in another language gets the reply in it (nlp/language_guard.py)
    OTHER_LANGUAGE_INTENT,
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class HealthReader(MessageReader):
    """Condition ids of every message into the parse data; safety routing."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults only; config.yml sets the net's thresholds (chosen on the dev
        split: python -m scripts.screen_eval --net)."""
        return {"question_threshold": 0.4, "item_threshold": 0.5, "min_words": 4}

    def __init__(self, config: Dict[str, Any]) -> None:
        # Imported here so the matcher (spaCy + lemma tables) loads once, at model load.
        from clinic.screening.matcher import default_matcher

        self._matcher = default_matcher()
        self._net = EmergencyNet.load()
        if self._net is None:
            logger.warning(
                "The emergency net is missing (build/screen_net): run `make net` "
                "(make run and make test do). Only the clinic's list reads messages."
            )
        self._question_threshold = float(config["question_threshold"])
        self._item_threshold = float(config["item_threshold"])
        self._min_words = int(config["min_words"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            findings = self._matcher.find(text)
            language = _language_of(message)
            other = other_languages.Reading(language)
            if not (findings.crisis or findings.urgent):
                # the gate reads other languages before the "English only" reply
                other = other_languages.read(text, language)
                if other.found:
                    findings = findings.then(other.findings)
                    language = other.language
            intent: Dict[str, Any] = message.get(INTENT) or {}
            asked = intent.get(INTENT_NAME_KEY)
            health: Dict[str, Any] = {**findings.as_dict(), "asked": asked}
            net = self._net_reading(message, text)
            if net is not None:
                known = findings.flagged | findings.absent
                likely = net.likely(self._item_threshold)
                health["likely"] = [i for i in likely if i not in known]
            message.set(HEALTH_KEY, health, add_to_output=True)
            if findings.crisis or findings.urgent:
                set_intent(
                    message, CRISIS_INTENT if findings.crisis else EMERGENCY_INTENT
                )
                # the answer in the message's language (a reply variant per language)
                _set_language(message, language or ENGLISH)
            elif asked == OTHER_LANGUAGE_INTENT and other.findings.flagged:
                # the note, in that language (the English list's reading of foreign
                # words is no reason: "tia" is an aunt in Spanish)
                set_intent(message, MENTION_INTENT)
            else:
                if asked == EMERGENCY_INTENT:  # the list reads no sign now
                    health["asked"] = asked = _demote_emergency(message)
                if asked in OWN_ROUTE_INTENTS:
                    continue
                if net is not None and net.urgent >= self._question_threshold:
                    set_intent(message, CHECK_INTENT)
                elif findings.flagged:
                    set_intent(message, MENTION_INTENT)
        return messages

    def _net_reading(self, message: Message, text: str) -> Optional[NetReading]:
        """The net's reading of a message whose story is long enough to tell something
        ("yes", "hi" and single words are left to the list)."""
        if self._net is None or len(story_part(text).split()) < self._min_words:
            return None
        vector = reading(message, STORY_ORIGIN)
        return None if vector is None else self._net.read(vector)


def _language_of(message: Message) -> Optional[str]:
    """The language the language guard found (its `language` entity), if any."""
    for entity in message.get(ENTITIES) or []:
        if entity.get("entity") == LANGUAGE_ENTITY:
            return str(entity.get("value"))
    return None


def _set_language(message: Message, language: str) -> None:
    """The `language` entity (and so the reply's variant), once."""
    if _language_of(message) == language:
        return
    text = message.get(TEXT) or ""
    kept = [
        e for e in message.get(ENTITIES) or [] if e.get("entity") != LANGUAGE_ENTITY
    ]
    entity = {
        "entity": LANGUAGE_ENTITY,
        "value": language,
        "start": 0,
        "end": len(text),
        "extractor": HealthReader.__name__,
    }
    message.set(ENTITIES, [*kept, entity], add_to_output=True)


def _demote_emergency(message: Message) -> Optional[str]:
    """The classifier said emergency, the words show no sign happening now: its next
    best guess (returned), or `nlu_fallback` when there is none."""
    ranking = [
        i
        for i in message.get(INTENT_RANKING_KEY) or []
        if i.get(INTENT_NAME_KEY) not in (EMERGENCY_INTENT, "nlu_fallback")
    ]
    chosen = (
        dict(ranking[0])
        if ranking
        else {INTENT_NAME_KEY: "nlu_fallback", "confidence": 0.0}
    )
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    return chosen.get(INTENT_NAME_KEY)
