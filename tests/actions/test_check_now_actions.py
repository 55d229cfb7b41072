"""The emergency net's question in the action glue: asked once, "no" carries on with
what the patient asked (or the form it interrupted), and the screen asks by name about
items the net found likely."""

from actions.check_now import ActionCarryOn, ActionCheckNow, ActionNowDenied
from actions.screening import (
    ActionAskScreenNamedAnswer,
    ActionScreenIntake,
    ValidateScreeningForm,
)
from tests.actions.conftest import make_tracker, parsed


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def followups(events):
    return [e["name"] for e in events if e["event"] == "followup"]


def user(parse):
    return {"event": "user", "text": parse["text"], "parse_data": parse}


STORY = "my arm went weird and heavy at lunch and I keep dropping my cup, what to wear?"


def story_message():
    message = parsed(STORY, intent="faq")
    message["intent"] = {"name": "possible_emergency"}
    message["response_selector"] = {
        "faq": {"response": {"intent_response_key": "faq/clothing"}}
    }
    return message


def test_the_question_is_asked_once(run):
    events, dispatcher = run(ActionCheckNow(), make_tracker(story_message()))
    assert [m["response"] for m in dispatcher.messages] == ["utter_check_now"]
    assert slots_of(events)["now_checked"] == "asked"
    assert followups(events) == []

    again = make_tracker(story_message(), slots={"now_checked": "no"})
    events, dispatcher = run(ActionCheckNow(), again)
    assert dispatcher.messages == []
    assert followups(events) == ["action_carry_on"]


def test_no_question_after_the_urgent_answer(run):
    tracker = make_tracker(story_message(), slots={"screen_outcome": "urgent"})
    events, dispatcher = run(ActionCheckNow(), tracker)
    assert dispatcher.messages == [] and followups(events) == ["action_carry_on"]


def test_no_is_noted_and_the_conversation_carries_on(run):
    no = {"text": "no", "intent": {"name": "deny"}, "entities": []}
    events = [
        user(story_message()),
        {"event": "action", "name": "action_check_now"},
        {"event": "action", "name": "action_listen"},
        user(no),
    ]
    tracker = make_tracker(no, events=events, slots={"now_checked": "asked"})
    result, dispatcher = run(ActionNowDenied(), tracker)
    assert [m["response"] for m in dispatcher.messages] == ["utter_check_now_noted"]
    assert slots_of(result)["now_checked"] == "no"
    assert followups(result) == ["action_carry_on"]

    events.append({"event": "action", "name": "action_now_denied"})
    result, dispatcher = run(ActionCarryOn(), make_tracker(no, events=events))
    # the answer to what the story asked, not to "no"
    assert [m["response"] for m in dispatcher.messages] == ["utter_faq/clothing"]


def test_a_form_the_question_interrupted_starts_again(run):
    tracker = make_tracker(story_message(), slots={"now_resume": "screening_form"})
    events, dispatcher = run(ActionCarryOn(), tracker)
    assert followups(events) == ["action_screen_intake"]
    assert slots_of(events)["now_resume"] is None


def test_the_screen_asks_first_about_an_item_the_net_found_likely(run):
    message = parsed("my forehead feels hot this morning, is massage ok for me?")
    message["health"]["likely"] = ["infection"]
    events, _ = run(ActionScreenIntake(), make_tracker(message))
    assert slots_of(events)["screen_named"] == ["infection"]

    tracker = make_tracker(
        message,
        events=[user(message), {"event": "action", "name": "action_screen_intake"}],
        slots={"screen_named": ["infection"]},
    )
    _, dispatcher = run(ActionAskScreenNamedAnswer(), tracker)
    intro, question = dispatcher.messages
    assert intro["response"] == "utter_screen_intro"
    assert question["response"] == "utter_ask_screen_named_answer"
    assert question["condition"].startswith("Fever")


def test_a_yes_to_the_named_item_counts_it_as_present():
    yes = parsed("yes", intent="affirm")
    tracker = make_tracker(
        yes, slots={"screen_named": ["infection", "diabetes"], "screen_conditions": []}
    )
    validator = ValidateScreeningForm()
    slots = validator.validate_screen_named_answer("yes", None, tracker, {})
    assert slots["screen_conditions"] == ["infection"]
    assert slots["screen_named"] == ["diabetes"]
    assert slots["screen_named_answer"] is None  # the next item is asked the same way


def test_not_sure_about_the_last_named_item_keeps_it_unsure():
    unsure = parsed("not sure", intent="inform")
    tracker = make_tracker(unsure, slots={"screen_named": ["infection"]})
    slots = ValidateScreeningForm().validate_screen_named_answer(
        "not sure", None, tracker, {}
    )
    assert slots["screen_unsure"] == ["infection"]
    assert slots["screen_named_answer"] == "answered"
