"""Rasa's HTTP API answers only with the token; the channel webhooks stay public."""

import pytest

from tests.helpers import http_json

pytestmark = pytest.mark.server


@pytest.mark.parametrize(
    "path, body",
    [
        ("/conversations/someone/tracker", None),
        ("/model/parse", {"text": "hi"}),
        ("/conversations/someone/tracker/events", {"event": "restart"}),
        ("/status", None),
    ],
)
def test_api_refuses_calls_without_or_with_a_wrong_token(servers, path, body):
    assert http_json(f"{servers.rasa_url}{path}", body)[0] == 401
    assert http_json(f"{servers.rasa_url}{path}?token=wrong", body)[0] == 401
    assert http_json(f"{servers.rasa_url}{path}?token={servers.token}", body)[0] == 200


def test_channel_webhooks_need_no_token(servers):
    status, body = http_json(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        {"sender": "public", "message": "hi"},
    )
    assert status == 200 and body
