"""Answers from the action server are still checked against Rasa's schema after the
speed-up in server/patches.py (schema checked once, validator reused)."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from server import patches

patches.apply()  # as every Rasa entry point does


def action() -> RemoteAction:
    return RemoteAction("action_screen_intake", None)


def test_a_well_formed_answer_passes():
    answer = {
        "events": [{"event": "slot", "name": "screen_outcome", "value": "clear"}],
        "responses": [{"text": "Thanks."}],
    }
    assert action()._validate_action_result(answer) is True


@pytest.mark.parametrize(
    "answer",
    [
        {"events": "not a list"},
        {"events": [{"event": "no_such_event"}]},
        {"responses": "text"},
    ],
)
def test_a_malformed_answer_is_rejected_with_rasa_s_explanation(answer):
    with pytest.raises(
        ValidationError, match="Failed to validate Action server response"
    ):
        action()._validate_action_result(answer)


def _variants(value):
    """The answer with each part in turn replaced by a value of another type or
    dropped: the shapes a broken action server could send."""
    yield value
    wrong = [None, 1, "x", [], {}, True]
    if isinstance(value, dict):
        for key in list(value):
            for other in wrong:
                yield {**value, key: other}
            rest = {k: v for k, v in value.items() if k != key}
            yield rest
            for inner in _variants(value[key]):
                yield {**value, key: inner}
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for inner in _variants(item):
                yield value[:index] + [inner] + value[index + 1 :]


def test_the_compiled_check_and_jsonschema_give_the_same_verdicts():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    reference = validator_for(schema)(schema)  # what jsonschema.validate uses
    answer = {
        "events": [
            {"event": "slot", "name": "screen_outcome", "value": "clear"},
            {"event": "followup", "name": "action_listen"},
            {"event": "active_loop", "name": None},
            {"event": "reminder", "intent": "remind", "date_time": "2026-12-04"},
            {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "x"}}},
            {"event": "bot", "text": "hello", "data": {"buttons": []}},
            {"event": "no_such_event"},
        ],
        "responses": [
            {"text": "Thanks.", "buttons": [{"title": "a", "payload": "/b"}]}
        ],
    }
    verdicts = set()
    valid = {**answer, "events": answer["events"][:-1]}  # all but no_such_event
    for variant in [*_variants(valid), *_variants(answer)]:
        expected = reference.is_valid(variant)
        try:
            action()._validate_action_result(variant)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == expected, variant
        verdicts.add(expected)
    assert reference.is_valid(valid) and not reference.is_valid(answer)
    assert verdicts == {True, False}
    assert patches._action_response_check() is not None  # the compiled check ran
