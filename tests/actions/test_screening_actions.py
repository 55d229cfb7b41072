"""Screen actions with rasa_sdk fixtures: what they say and which slots they set."""

from rasa_sdk.executor import CollectingDispatcher

from actions.screening import (
    ActionAskScreenAny,
    ActionAskScreenWhich,
    ActionScreenIntake,
    ActionScreenResult,
    ActionUrgentCare,
    ValidateScreeningForm,
)
from tests.actions.conftest import (
    conversation_tracker,
    make_tracker,
    parsed,
    the_domain,
)


def message(text, intent="safety_check"):
    return parsed(text, intent)


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_intake_keeps_condition_ids_not_words(run):
    events, _ = run(
        ActionScreenIntake(), make_tracker(message("I'm 20 weeks pregnant, no fever"))
    )
    slots = slots_of(events)
    assert slots["screen_conditions"] == ["pregnancy"]
    assert slots["screen_ruled_out"] == ["infection"]
    assert slots["screen_outcome"] is None
    assert "20 weeks" not in str(slots)


def test_first_question_lists_only_what_is_unknown(run):
    tracker = make_tracker(
        slots={"screen_conditions": ["pregnancy"], "screen_ruled_out": ["infection"]}
    )
    _, dispatcher = run(ActionAskScreenAny(), tracker)
    noted, question = dispatcher.messages
    assert (
        noted["response"] == "utter_screen_noted" and noted["conditions"] == "Pregnancy"
    )
    assert question["response"] == "utter_ask_screen_any_other"
    assert (
        "Pregnancy" not in question["conditions"]
        and "Fever" not in question["conditions"]
    )
    assert "- Diabetes" in question["conditions"]


def test_a_repeated_question_skips_the_intro(run):
    """As Rasa logs a form's question: no action event for the ask action, the bot
    message with its response name."""
    asked = {"event": "bot", "metadata": {"utter_action": "utter_ask_screen_any"}}
    events = [
        {"event": "action", "name": "action_screen_intake"},
        {"event": "action", "name": "screening_form"},
        {"event": "bot", "metadata": {"utter_action": "utter_screen_intro"}},
        asked,
        {"event": "user", "text": "what should I wear?", "parse_data": {}},
    ]
    _, dispatcher = run(ActionAskScreenAny(), make_tracker(events=events))
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_screen_any"]


def test_which_question_offers_labels_and_none(run):
    _, dispatcher = run(
        ActionAskScreenWhich(), make_tracker(slots={"screen_conditions": ["diabetes"]})
    )
    buttons = dispatcher.messages[0]["buttons"]
    titles = [b["title"] for b in buttons]
    assert "Diabetes" not in titles and "Pregnancy" in titles
    assert buttons[-1] == {"title": "None of these", "payload": "/deny"}
    # a list item's payload is its id, never its title
    [pregnancy] = [b for b in buttons if b["title"] == "Pregnancy"]
    assert pregnancy["payload"] == '/inform{"condition": "pregnancy"}'


def validate(slot, text, intent="safety_check", slots=None, earlier=()):
    """The form's validator on an answer, after `earlier` messages."""
    form = ValidateScreeningForm()
    dispatcher = CollectingDispatcher()
    earlier_events = [
        {"event": "user", "text": t, "parse_data": message(t)} for t in earlier
    ]
    latest = message(text, intent)
    events = [*earlier_events, {"event": "user", "text": text, "parse_data": latest}]
    tracker = make_tracker(latest, events=events, slots=slots or {})
    result = getattr(form, f"validate_{slot}")(text, dispatcher, tracker, {})
    return result, dispatcher


def test_answers_to_the_first_question():
    assert validate("screen_any", "no", "deny")[0]["screen_any"] == "no"
    assert validate("screen_any", "nope", "out_of_scope")[0]["screen_any"] == "no"
    # a bare digit outside SMS (which maps it to its button) is no answer: asked again
    assert validate("screen_any", "2", "out_of_scope")[0]["screen_any"] is None
    assert (
        validate("screen_any", "Not sure", "out_of_scope")[0]["screen_any"] == "unsure"
    )
    described, _ = validate(
        "screen_any", "I have diabetes", earlier=["I'm pregnant, is massage safe?"]
    )
    assert described["screen_any"] == "described"
    assert described["screen_conditions"] == ["diabetes", "pregnancy"]


def test_unclear_answer_is_asked_again_then_taken_carefully():
    result, dispatcher = validate("screen_any", "purple", "out_of_scope")
    assert result == {"screen_any": None, "screen_misses": 1}
    assert dispatcher.messages[0]["response"] == "utter_screen_any_unclear"
    result, _ = validate(
        "screen_any", "purple", "out_of_scope", slots={"screen_misses": 1}
    )
    assert (
        result["screen_any"] == "unsure"
    )  # go on to "which one?" rather than guess "no"


def test_which_answer_by_label_words_or_none():
    result, _ = validate("screen_which", "Kidney or liver problems", "faq")
    assert result["screen_which"] == ["kidney_liver"]
    assert validate("screen_which", "none of these", "deny")[0]["screen_which"] == []
    result, _ = validate(
        "screen_which", "dunno", "out_of_scope", slots={"screen_misses": 1}
    )
    assert result["screen_which"] == ["unspecified"]


def test_not_sure_by_button_carries_the_answer():
    payload = '/inform{"answer": "unsure"}'
    latest = {
        "text": payload,
        "intent": {"name": "inform"},
        "entities": [{"entity": "answer", "value": "unsure"}],
    }
    result = ValidateScreeningForm().validate_screen_any(
        payload, CollectingDispatcher(), make_tracker(latest), {}
    )
    assert result["screen_any"] == "unsure"


def test_which_answer_by_button_carries_the_id():
    payload = '/inform{"condition": "kidney_liver"}'
    latest = {
        "text": payload,
        "intent": {"name": "inform"},
        "entities": [{"entity": "condition", "value": "kidney_liver"}],
    }
    form = ValidateScreeningForm()
    result = form.validate_screen_which(
        payload, CollectingDispatcher(), make_tracker(latest), {}
    )
    assert result["screen_which"] == ["kidney_liver"]
    assert result["screen_conditions"] == ["kidney_liver"]
    # an id that is not on the list is no answer
    latest["entities"] = [{"entity": "condition", "value": "chest_pain_x"}]
    result = form.validate_screen_which(
        payload, CollectingDispatcher(), make_tracker(latest), {}
    )
    assert result.get("screen_which") is None


def test_the_form_settles_a_doubt_by_the_one_merge_rule():
    """An earlier "maybe pregnant" (in the screen's slots), then "no, I'm not
    pregnant": ruled out, as the conversation's memory reads it too."""
    result, _ = validate(
        "screen_any",
        "no, I'm not pregnant",
        "deny",
        earlier=["I might be pregnant, is massage safe for me?"],
    )
    assert result["screen_any"] == "no"
    assert result["screen_unsure"] == [] and result["screen_ruled_out"] == ["pregnancy"]
    result, _ = validate(
        "screen_any",
        "no, I'm not pregnant",
        "deny",
        earlier=["I'm pregnant, is massage safe for me?"],
    )
    assert result["screen_conditions"] == ["pregnancy"]
    assert result["screen_ruled_out"] == []


def test_none_values_from_the_intake_are_not_answers():
    form = ValidateScreeningForm()
    tracker = make_tracker(message("is massage safe for me"))
    assert form.validate_screen_any(None, CollectingDispatcher(), tracker, {}) == {}
    assert form.validate_screen_which(None, CollectingDispatcher(), tracker, {}) == {}


def test_result_doctor_first_explains_and_clears_the_form(run):
    tracker = conversation_tracker(
        "I'm 20 weeks pregnant, is it safe?", "no", slots={"screen_any": "no"}
    )
    events, dispatcher = run(ActionScreenResult(), tracker)
    [said] = dispatcher.messages
    assert said["response"] == "utter_screen_doctor_first"
    assert "prenatal" in said["reasons"] and "check with your doctor" in said["reasons"]
    slots = slots_of(events)
    assert slots["screen_outcome"] == "doctor_first" and slots["screen_any"] is None


def test_result_clear(run):
    events, dispatcher = run(
        ActionScreenResult(), make_tracker(slots={"screen_any": "no"})
    )
    assert dispatcher.messages[0]["response"] == "utter_screen_clear"
    assert slots_of(events)["screen_outcome"] == "clear"


def test_urgent_care_records_the_red_flag_and_stops_the_form(run):
    events, dispatcher = run(
        ActionUrgentCare(),
        make_tracker(message("my chest hurts, chest pain", "emergency")),
    )
    said = dispatcher.messages[0]
    # chest pain: call 911, don't drive yourself; a person and "not now" offered
    assert said["response"] == "utter_urgent_call_911"
    offered = the_domain()["responses"][said["response"]][0]["buttons"]
    assert [b["payload"] for b in offered] == ["/human_handoff", "/not_urgent"]
    slots = slots_of(events)
    assert slots["screen_outcome"] == "urgent"
    assert slots["screen_conditions"] == ["chest_pain"]
    assert slots["requested_slot"] is None


def test_urgent_care_for_a_calf_sign_says_urgent_care(run):
    _, dispatcher = run(
        ActionUrgentCare(),
        make_tracker(message("my calf is swollen, red and hot", "emergency")),
    )
    assert dispatcher.messages[0]["response"] == "utter_urgent"
