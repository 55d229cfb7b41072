"""Buttons send plain text, so each button's text must be understood as meant."""

import pytest

from clinic.clarification import topic_questions
from clinic.screening.conditions import contraindications
from clinic.screening.matcher import find_conditions
from tests.helpers import domain


@pytest.mark.parametrize("condition", contraindications(), ids=lambda c: c.id)
def test_each_screen_button_label_means_exactly_its_condition(condition):
    assert find_conditions(condition.label).present == {condition.id}


def _domain_buttons(form_questions: bool):
    """(response, payload) of plain-text buttons; form questions (utter_ask_*,
    utter_help_*) answer a form, the others ask the assistant a question."""
    merged = domain()
    for response, variants in merged["responses"].items():
        if response.startswith(("utter_ask_", "utter_help_")) != form_questions:
            continue
        for variant in variants:
            for button in variant.get("buttons", []):
                if not button["payload"].startswith("/"):
                    yield response, button["payload"]


def question_buttons():
    return [payload for _, payload in _domain_buttons(form_questions=False)]


def test_form_buttons_carry_intents_or_values_never_their_titles():
    """A form's buttons answer with an intent or a value ('/inform{"mode":
    "online"}'), so what the patient reads can change without changing what it
    means."""
    assert list(_domain_buttons(form_questions=True)) == []
    from actions.booking import MODES

    modes = {
        button["payload"]
        for variant in domain()["responses"]["utter_ask_booking_mode"]
        for button in variant["buttons"]
    }
    assert modes == {f'/inform{{"mode": "{mode}"}}' for mode in MODES}


@pytest.mark.server
def test_every_faq_button_question_gets_its_own_answer(servers):
    wrong = {}
    expected = {q: t for t, q in topic_questions().items()}
    assert set(question_buttons()) <= set(expected), (
        "a domain button asks an unlisted question"
    )
    for question, topic in expected.items():
        parse = servers.parse(question)
        got = (
            parse.get("response_selector", {})
            .get("faq", {})
            .get("response", {})
            .get("intent_response_key")
        )
        # a question that names a condition ("...when pregnant?") is routed to the
        # health note, which gives the guidance and then this same answer
        asked = (parse.get("health") or {}).get("asked")
        intent = parse["intent"]["name"]
        answered = asked if intent == "health_mention" else intent
        if answered != "faq" or got != f"faq/{topic}":
            wrong[question] = (parse["intent"]["name"], got)
    assert wrong == {}
