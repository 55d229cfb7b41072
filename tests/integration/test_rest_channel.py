"""A patient's view through the REST channel of the running assistant."""

import uuid

import pytest

from tests.conftest import CLINIC_NAME
from tests.helpers import texts

pytestmark = pytest.mark.server

NOTICE = "general information, not medical advice"


def test_clothing_question_is_answered_after_a_one_time_notice(servers):
    sender = uuid.uuid4().hex
    first = texts(servers.say("what should I wear?", sender))
    assert NOTICE in first[0] and CLINIC_NAME in first[0]
    assert any("everyday clothing is fine" in t for t in first)
    second = texts(servers.say("how long does a session last?", sender))
    assert not any(NOTICE in t for t in second), (
        "notice must appear once per conversation"
    )
    answer = " ".join(second)
    assert "30 minutes" in answer and "60 to 90 minutes" in answer


def test_faq_answer_offers_a_next_step_button(servers):
    replies = servers.say("can massage help with my neck pain?")
    buttons = [b["title"] for m in replies for b in m.get("buttons", [])]
    assert "Book a free consultation" in buttons


def test_unknown_clinic_facts_are_not_invented(servers):
    answer = " ".join(texts(servers.say("how much does it cost?")))
    assert "not listed here yet" in answer
    assert "$" not in answer
    assert "{" not in answer, "unfilled template placeholder leaked"


def test_next_step_button_question_is_answered(servers):
    sender = uuid.uuid4().hex
    greeting = servers.say("hi", sender)
    [button] = [
        b
        for m in greeting
        for b in m.get("buttons", [])
        if b["title"] == "What happens in a session?"
    ]
    answer = " ".join(texts(servers.say(button["payload"], sender)))
    assert "health history" in answer and "towel" in answer


# Two messages that carry no question a clinic could answer: any answer but "say it
# another way", then the clinic team, is wrong.
UNCLEAR = ["blorp zzkq wib", "and the other one"]


def test_two_misunderstood_messages_lead_to_the_clinic_team(servers):
    unclear = UNCLEAR
    sender = uuid.uuid4().hex
    first = servers.say(unclear[0], sender)
    assert any("another way" in t or "Did you mean" in t for t in texts(first))
    assert not any("contact the clinic team" in t for t in texts(first))
    second = servers.say(unclear[1], sender)
    assert any("contact the clinic team" in t for t in texts(second))
    assert any(
        b["payload"] == "/human_handoff" for m in second for b in m.get("buttons", [])
    )


def test_out_of_scope_gets_a_friendly_redirect(servers):
    answer = " ".join(texts(servers.say("what's the weather in paris tomorrow?")))
    assert "massage therapy at the clinic" in answer


from tests.helpers import http_json  # noqa: E402


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"sender": "a", "message": null}', '"message" must be a string'),
        (b'{"sender": "a", "message": {"text": "hi"}}', '"message" must be a string'),
        (b'{"message": "hi"}', '"sender"'),
        (b'{"sender": "sms:abc", "message": "hi"}', '"sender" may not start with'),
        (b'{"sender": "a", "message": "hi", "metadata": [1]}', '"metadata"'),
    ],
)
def test_malformed_requests_get_a_clear_400(servers, raw, reason):
    status, body = http_json(f"{servers.rasa_url}/webhooks/rest/webhook", raw=raw)
    assert status == 400 and reason in body["error"]


@pytest.mark.parametrize(
    "message, expected",
    [
        ("", "Please type your question"),
        ("   \u200b\u0000 ", "Please type your question"),
        ("massage " * 2000, "too long"),
        ("/faq", "Please type your question in words"),  # stock Rasa answered 500
        ("/no_such_intent", "Please type your question in words"),
    ],
)
def test_empty_and_huge_messages_get_a_polite_answer(servers, message, expected):
    replies = servers.say(message)
    assert expected in " ".join(texts(replies))


def test_odd_unicode_is_answered_and_the_server_still_works(servers):
    for message in [
        "مرحبا، كم مدة الجلسة؟",
        "😀💆‍♀️",
        "what\u200bshould I wear?",
        "x\u0000y",
    ]:
        assert isinstance(servers.say(message), list)
    assert any(
        "everyday clothing is fine" in t
        for t in texts(servers.say("what should I wear?"))
    )
