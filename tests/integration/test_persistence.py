"""Conversations survive a restart of the Rasa server (SQLite tracker store)."""
from __future__ import annotations

import secrets
import signal
import uuid

import pytest

from tests.conftest import TWILIO_TOKEN, start_rasa, wait_until_up
from tests.helpers import free_port, http_json, rest_text

pytestmark = pytest.mark.server


say = rest_text


def test_a_restarted_server_continues_the_conversation_where_it_was(servers, model_path,
                                                                     tmp_path):
    port, token = free_port(), secrets.token_hex(8)
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "rasa.log"
    env = dict(ACTION_SERVER_URL=servers.action_url, TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
               TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'conversations.sqlite'}",
               SMS_STATE_DB=str(tmp_path / "sms.sqlite"))
    sender = uuid.uuid4().hex
    process = start_rasa(model_path, port, token, log, **env)
    try:
        wait_until_up(f"{url}/status?token={token}", process, log)
        assert "Do any of these apply to you?" in say(url, sender, "is massage safe for me?")
        process.send_signal(signal.SIGKILL)  # a crash, not a polite shutdown
        process.wait(timeout=30)

        process = start_rasa(model_path, port, token, log, **env)
        wait_until_up(f"{url}/status?token={token}", process, log)
        # The answer to the question asked before the crash is understood as such.
        assert "should be fine for you" in say(url, sender, "no")
        status, tracker = http_json(f"{url}/conversations/{sender}/tracker?token={token}")
        assert tracker["slots"]["screen_outcome"] == "clear"
    finally:
        process.terminate()
        process.wait(timeout=30)
