"""The safety gate's one list (clinic/safety.py): its order, and Rasa's rules that name
its routes outside any form agree with it."""

import yaml

from clinic import answers
from clinic.safety import ROUTES, route_for
from tests.helpers import ROOT, domain


def test_crisis_comes_first_then_an_emergency_then_the_pending_question():
    assert route_for("crisis", question_pending=True).name == "crisis"
    assert route_for("emergency", question_pending=True).name == "emergency"
    # a reply to the question is read as its answer, whatever the NLU made of it
    for intent in ("not_urgent", "possible_emergency", "faq", "affirm", None):
        assert route_for(intent, question_pending=True).name == "now_answer"
    assert route_for("possible_emergency", question_pending=False).name == (
        "now_question"
    )
    assert route_for("faq", question_pending=False) is None


def test_every_route_action_is_in_the_domain():
    actions = {a if isinstance(a, str) else next(iter(a)) for a in domain()["actions"]}
    known = actions | set(domain()["responses"])
    assert {route.action for route in ROUTES} <= known


def test_the_rules_outside_forms_are_the_lists():
    rules = yaml.safe_load((ROOT / "data/rules/emergency.yml").read_text())["rules"]
    first_steps = {
        rule["steps"][0]["intent"]: rule["steps"][1]["action"]
        for rule in rules
        if "intent" in rule["steps"][0] and "condition" not in rule
    }
    for route in ROUTES:
        if route.intent:
            assert first_steps.get(route.intent) == route.action, route


def test_no_form_slot_mapping_lists_a_safety_intent():
    """The gate interrupts every form itself: a copy of its intents in a mapping's
    not_intent would be a second list to keep in step."""
    safety = {route.intent for route in ROUTES if route.intent}
    for name, slot in domain()["slots"].items():
        for mapping in slot.get("mappings", []):
            assert not safety & set(mapping.get("not_intent", [])), name


def test_happening_now_reads_negation_and_doubt():
    read = answers.now_answer
    assert read("Yes, it's happening now") == "yes"
    assert read("it's not happening now") == "no"
    assert read("it isn't happening right now") == "no"
    assert read("no, but it is happening") == "unsure"  # careful: counts as yes
    assert read("not sure") == "unsure"
    assert read("what do you mean") is None
    assert read("", button="no") == "no"
