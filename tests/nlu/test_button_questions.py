"""Buttons send plain text, so each button's text must be understood as meant."""
import pytest
import yaml

from actions.clarification import topic_questions
from actions.screening.conditions import contraindications
from actions.screening.matcher import find_conditions
from tests.helpers import ROOT


@pytest.mark.parametrize("condition", contraindications(), ids=lambda c: c.id)
def test_each_screen_button_label_means_exactly_its_condition(condition):
    assert find_conditions(condition.label).present == {condition.id}


def question_buttons():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for variants in domain["responses"].values():
        for variant in variants:
            for button in variant.get("buttons", []):
                if not button["payload"].startswith("/") and button["payload"] != "Not sure":
                    yield button["payload"]


@pytest.mark.server
def test_every_faq_button_question_gets_its_own_answer(servers):
    wrong = {}
    expected = {q: t for t, q in topic_questions().items()}
    assert set(question_buttons()) <= set(expected), "a domain button asks an unlisted question"
    for question, topic in expected.items():
        parse = servers.parse(question)
        got = (parse.get("response_selector", {}).get("faq", {}).get("response", {})
               .get("intent_response_key"))
        if parse["intent"]["name"] != "faq" or got != f"faq/{topic}":
            wrong[question] = (parse["intent"]["name"], got)
    assert wrong == {}
