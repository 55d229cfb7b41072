""" "Delete my data": confirmed first, then the conversation and its open requests
go."""

import re
import uuid

import pytest

from clinic.booking.store import BookingStore
from tests.helpers import http_json, texts

pytestmark = pytest.mark.server


def test_forget_me_after_confirmation_deletes_conversation_and_open_booking(servers):
    sender = uuid.uuid4().hex
    say = lambda m: " ".join(texts(servers.say(m, sender)))  # noqa: E731
    for message in [
        "book a consultation",
        "no",
        "Jane Doe",
        "online",
        "jane@example.com",
        "thursday at 3pm",
    ]:
        say(message)
    reference = re.search(r"RV-[0-9A-Z]{4}-[0-9A-Z]{4}", say("yes")).group(0)
    question = say("please delete my data")
    assert "can't be undone" in question
    done = say("yes")
    assert "deleted this conversation and 1 booking" in done
    assert BookingStore(servers.db_url).find_booking(reference) is None
    status, tracker = http_json(
        f"{servers.rasa_url}/conversations/{sender}/tracker?token={servers.token}"
    )
    # (fetching an unknown conversation starts a new, empty one)
    assert status == 200 and tracker["slots"]["patient_name"] is None
    assert [e for e in tracker["events"] if e["event"] == "user"] == []
    assert "30 minutes" in say("how long is a session?")  # a fresh conversation


def test_forget_me_declined_keeps_everything(servers):
    sender = uuid.uuid4().hex
    say = lambda m: " ".join(texts(servers.say(m, sender)))  # noqa: E731
    say("what should I wear?")
    say("forget me")
    assert "nothing has been deleted" in say("no")
    status, tracker = http_json(
        f"{servers.rasa_url}/conversations/{sender}/tracker?token={servers.token}"
    )
    assert any(e.get("text") == "what should I wear?" for e in tracker["events"])
