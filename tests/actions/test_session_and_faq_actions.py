"""Custom actions, run with rasa_sdk's Tracker and CollectingDispatcher."""

from actions.faq import ActionClarify
from actions.session import ActionSessionStart
from tests.actions.conftest import make_tracker
from tests.conftest import CLINIC_NAME


def test_session_start_shows_the_notice_and_fills_clinic_facts(run):
    events, dispatcher = run(ActionSessionStart(), make_tracker())
    assert [m["response"] for m in dispatcher.messages] == ["utter_disclaimer"]
    # the notice is rendered before the slots exist, so the facts travel with it
    assert dispatcher.messages[0]["clinic_name"] == CLINIC_NAME
    assert events[0]["event"] == "session_started"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["clinic_city"] == "Testville"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


def unsure_message():
    return {
        "text": "does it hurt my back",
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "faq", "confidence": 0.95},
        ],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": "faq/pain", "confidence": 0.5},
                    {"intent_response_key": "faq/pain_relief", "confidence": 0.45},
                ]
            }
        },
        "entities": [],
    }


def user_event(intent):
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


def test_clarify_offers_the_close_topics_as_buttons(run):
    tracker = make_tracker(unsure_message(), events=[user_event("nlu_fallback")])
    _, dispatcher = run(ActionClarify(), tracker)
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["title"] for b in message["buttons"]] == [
        "Does the massage hurt?",
        "Can it help with back or neck pain?",
    ]


def test_clarify_asks_to_rephrase_when_nothing_is_plausible(run):
    message = {
        "text": "zzz",
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "out_of_scope", "confidence": 0.4}],
        "entities": [],
    }
    _, dispatcher = run(
        ActionClarify(), make_tracker(message, [user_event("nlu_fallback")])
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_rephrase"]


def test_second_miss_in_a_row_offers_the_clinic_team(run):
    events = [
        user_event("nlu_fallback"),
        {"event": "bot", "text": "Did you mean"},
        user_event("nlu_fallback"),
    ]
    _, dispatcher = run(ActionClarify(), make_tracker(unsure_message(), events))
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_handoff"]
