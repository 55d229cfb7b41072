"""The language guard on its own (no server): a message in another language becomes
`other_language` with its language, English stays English."""

from __future__ import annotations

from typing import Optional

from rasa.shared.nlu.training_data.message import Message

from nlp.language_guard import LanguageGuard


def guarded(
    text: str, intent: str = "out_of_scope", confidence: float = 0.4
) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
        }
    )
    guard = LanguageGuard(LanguageGuard.get_default_config())
    return guard.process([message])[0]


def language_of(message: Message) -> Optional[str]:
    return next(
        (
            e["value"]
            for e in message.get("entities") or []
            if e["entity"] == "language"
        ),
        None,
    )


def test_a_spanish_question_gets_the_other_language_route():
    message = guarded("¿Cuánto cuesta un masaje terapéutico?", "faq", 0.6)
    assert message.get("intent")["name"] == "other_language"
    assert language_of(message) == "es"
    assert message.get("intent_ranking")[0]["name"] == "other_language"


def test_english_stays_english():
    for text in (
        "how much is a massage?",
        "what should I wear",
        "I'm 20 weeks pregnant",
    ):
        assert guarded(text).get("intent")["name"] == "out_of_scope"


def test_a_single_plain_word_is_left_to_the_classifier():
    assert guarded("nada", "deny", 0.5).get("intent")["name"] == "deny"


def test_a_message_the_classifier_understood_confidently_keeps_its_route():
    message = guarded("José Hernández", "inform", 0.95)
    assert message.get("intent")["name"] == "inform"
