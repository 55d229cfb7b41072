"""Conversations survive a restart of the Rasa server (SQLite tracker store)."""

from __future__ import annotations

import uuid

import pytest

from services.launch import Stack
from tests.conftest import stack_settings
from tests.helpers import http_json, opening, rest_text

pytestmark = pytest.mark.server


say = rest_text


def test_a_restarted_server_continues_the_conversation_where_it_was(
    servers, model_path, tmp_path
):
    settings = stack_settings(
        tmp_path / "data",
        model=model_path,
        web_port=None,
        action_url=servers.action_url,
    )
    sender = uuid.uuid4().hex
    with Stack(settings, log_dir=tmp_path).start(actions=False) as stack:
        name = f"rasa-{settings.rasa_ports[0]}"
        assert opening("utter_ask_screen_any") in say(
            stack.rasa_url, sender, "is massage safe for me?"
        )
        stack.kill(name)  # a crash, not a polite shutdown
        stack.start_rasa(settings.rasa_ports[0])
        # The answer to the question asked before the crash is understood as such.
        assert "should be fine for you" in say(stack.rasa_url, sender, "no")
        status, tracker = http_json(
            f"{stack.rasa_url}/conversations/{sender}/tracker?token={stack.token}"
        )
        assert tracker["slots"]["screen_outcome"] == "clear"
