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
