"""1,000 hostile inputs through the REST channel and the SMS webhook: never a 5xx,
never an internal detail in the answer, and a normal question still works afterwards.

Hypothesis generates the inputs (derandomised, so a failure reproduces exactly).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.conftest import TWILIO_TOKEN
from tests.helpers import texts

pytestmark = pytest.mark.server
REST_EXAMPLES, SMS_EXAMPLES = 600, 400
SENDERS = [f"fuzz-{i}" for i in range(4)]
LEAKS = ("Traceback", "Exception", 'File "', "sqlalchemy", "rasa.core")

odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
special = st.sampled_from(
    [
        "",
        " ",
        "\n\t ",
        "\x00",
        "\x00hello\x00",
        "\u200b\u200b",
        "\u202eevil\u202c",
        "مرحبا، كم مدة الجلسة؟",
        "😀" * 50,
        "<script>alert(1)</script>",
        "<b>bold</b><img src=x onerror=alert(1)>",
        "/faq",
        "/faq/",
        "/restart",
        "/affirm",
        "/book_consultation",
        "/nonexistent_intent",
        '/inform{"x": 1}',
        "/faq/clothing",
        "\ud7ff",
        "A" * 10_001,
        "how long is a session? " * 600,
        "DROP TABLE events; --",
        "${jndi:ldap://x}",
        "%s%s%s%n",
        "../../etc/passwd",
    ]
)
message_value = st.one_of(
    odd_text,
    special,
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
sender_value = st.one_of(
    st.sampled_from(SENDERS),
    st.none(),
    st.just(""),
    st.integers(),
    st.text(max_size=200),
)


def post_raw(url: str, data: bytes, content_type: str):
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


rest_body = st.one_of(
    st.builds(
        lambda s, m: json.dumps({"sender": s, "message": m}).encode(),
        sender_value,
        message_value,
    ),
    st.builds(
        lambda s, m: json.dumps({"sender": s, "message": m, "metadata": "x"}).encode(),
        st.sampled_from(SENDERS),
        odd_text,
    ),
    st.binary(max_size=200),
    st.builds(
        lambda v: json.dumps(v).encode(),
        st.one_of(
            st.lists(st.integers()), st.none(), st.text(), st.floats(allow_nan=False)
        ),
    ),
    st.just(b'{"sender": "fuzz-0", "message": '),  # truncated JSON
)


@settings(
    max_examples=REST_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=rest_body,
    content_type=st.sampled_from(
        [
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
        ]
    ),
)
def test_rest_channel_never_fails_on_hostile_input(servers, body, content_type):
    status, text = post_raw(
        f"{servers.rasa_url}/webhooks/rest/webhook", body, content_type
    )
    assert status < 500, text
    assert not any(leak in text for leak in LEAKS), text[:500]
    if status == 200:
        assert all(isinstance(m.get("text", ""), str) for m in json.loads(text))


def signed(url: str, params: dict) -> str:
    return RequestValidator(TWILIO_TOKEN).compute_signature(url, params)


@settings(
    max_examples=SMS_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=st.one_of(odd_text, special),
    sign=st.sampled_from(["good", "good", "good", "bad", "none"]),
    sender=st.sampled_from(
        ["+17605550101", "+447911123456", "not-a-number", "", "+1" + "9" * 30]
    ),
    extra=st.dictionaries(
        st.sampled_from(["NumMedia", "MediaUrl0", "Foo"]),
        st.text(max_size=20),
        max_size=2,
    ),
)
def test_sms_webhook_never_fails_on_hostile_input(servers, body, sign, sender, extra):
    url = f"{servers.rasa_url}/webhooks/sms/webhook"
    params = {
        "From": sender,
        "To": "+17605550000",
        "Body": body,
        "MessageSid": "SM" + uuid.uuid4().hex,
        **extra,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign == "good":
        headers["X-Twilio-Signature"] = signed(url, params)
    elif sign == "bad":
        headers["X-Twilio-Signature"] = "forged"
    request = urllib.request.Request(
        url, urllib.parse.urlencode(params).encode(), headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    assert status < 500, text
    assert not any(leak in text for leak in LEAKS), text[:500]
    if sign != "good":
        assert status == 403
    elif status == 200:
        ET.fromstring(text)  # well-formed TwiML


def test_still_answers_a_normal_question_after_the_fuzzing(servers):
    for sender in [*SENDERS, uuid.uuid4().hex]:
        if sender in SENDERS:
            servers.say(
                "restart", sender
            )  # a fuzzed "talk to a person" may have paused it
        reply = " ".join(texts(servers.say("how long is a session?", sender)))
        assert "30 minutes" in reply, (sender, reply)
