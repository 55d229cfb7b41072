"""Log redaction: message text and health words never survive a log line."""

import logging

from clinic.privacy import REDACTED, install_log_redaction, redact


def test_user_text_in_rasa_log_shapes_is_removed():
    assert redact("Received user message 'my back hurts' with intent 'x'") == (
        f"Received user message '{REDACTED}' with intent 'x'"
    )
    assert "hurts" not in redact("[state 1] user text: my back hurts | previous action")
    assert "hurts" not in redact("UserUttered(text: my back hurts, intent: faq)")
    assert "hurts" not in redact("""{"text": "my back hurts", "intent": "faq"}""")


def test_health_words_and_condition_ids_are_removed_anywhere():
    line = (
        "slots: screen_conditions=['blood_clots'] utter_screen_pregnancy; "
        "on warfarin; Diabetic"
    )
    cleaned = redact(line)
    for word in ("blood_clots", "pregnancy", "warfarin", "Diabetic"):
        assert word not in cleaned
    assert redact("slow strokes and relaxation") == "slow strokes and relaxation"


def test_installed_factory_redacts_every_logger_and_tracebacks(caplog):
    install_log_redaction()
    install_log_redaction()  # idempotent
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.DEBUG):
        logger.debug("Received user message '%s' with intent", "I'm pregnant")
        try:
            raise ValueError("user said: I have chest pain")
        except ValueError:
            logger.exception("failed")
    assert "pregnant" not in caplog.text
    assert "chest pain" not in caplog.text
    assert "ValueError" in caplog.text  # the error itself is still there to debug
