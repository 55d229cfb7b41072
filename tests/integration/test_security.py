"""The assistant probed as an outsider on the network would: forged action calls,
borrowed conversation ids, guessed references, huge bodies, and a look at every file
and log for a patient's words."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import urllib.request
import uuid
from pathlib import Path
from typing import List

import pytest

from clinic.booking.store import MAX_FAILED_CHECKS, BookingRequest, BookingStore
from clinic.privacy import pseudonym, sms_conversation_id
from tests.conftest import TEST_SECRETS
from tests.helpers import http_json, texts
from tests.integration.test_booking import book
from tests.integration.test_sms_channel import new_number, post, sms

pytestmark = pytest.mark.server
MEGABYTE = 1024 * 1024
SECRET_WORDS = ("Quasimodo", "twins")  # words only this patient wrote


def conversation(servers, sender=None):
    sender = sender or uuid.uuid4().hex
    return sender, (lambda message: " ".join(texts(servers.say(message, sender))))


def action_call(servers, next_action: str, slots: dict, secret=None) -> int:
    body = {
        "next_action": next_action,
        "sender_id": "attacker",
        "tracker": {
            "sender_id": "attacker",
            "slots": slots,
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    request = urllib.request.Request(
        servers.action_url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def saved_booking(servers, contact="+17605550142") -> str:
    from datetime import datetime, timedelta, timezone

    record = BookingStore(servers.db_url).save_booking(
        BookingRequest(
            request_key=uuid.uuid4().hex,
            sender_key="someone",
            channel="rest",
            name="Pat Doe",
            contact=contact,
            mode="online",
            starts_at=datetime.now(timezone.utc) + timedelta(days=3),
        )
    )
    return record.reference


# ------------------------------------------------------------- the action server
def test_a_forged_action_call_is_refused_before_any_action_runs(servers):
    reference = saved_booking(servers)
    slots = {
        "manage_action": "cancel",
        "manage_reference": reference,
        "manage_confirm": "yes",
    }
    assert action_call(servers, "action_manage_finish", slots) == 401
    assert action_call(servers, "action_manage_finish", slots, secret="guess") == 401
    assert action_call(servers, "action_forget_me", {}, secret="guess") == 401
    # even with the secret, the change checks the reference and contact again
    secret = TEST_SECRETS["ACTION_SERVER_SECRET"]
    assert action_call(servers, "action_manage_finish", slots, secret=secret) == 200
    assert BookingStore(servers.db_url).find_booking(reference).status == "open"


def test_the_action_server_listens_on_loopback_only(servers):
    port = int(servers.action_url.split(":")[2].split("/")[0])
    addresses = subprocess.run(
        ["hostname", "-I"], capture_output=True, text=True
    ).stdout.split()
    outside = [a for a in addresses if not a.startswith("127.") and ":" not in a]
    if not outside:
        pytest.skip("this machine has no non-loopback address to try")
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex((outside[0], port)) != 0


# -------------------------------------------------------------------- identities
def test_a_rest_sender_equal_to_an_sms_number_does_not_join_that_conversation(servers):
    number = new_number()
    sms(servers, number, "I'm Pat and I'm 20 weeks pregnant")
    sms(servers, number, "is massage safe for me?")
    sms_slots = servers.slots(sms_conversation_id(number))
    assert sms_slots["screen_conditions"] == ["pregnancy"]
    _, say = conversation(servers, sender=number)
    say("is massage safe for me?")
    assert servers.slots(number)["screen_conditions"] == []  # a conversation of its own
    status, body = http_json(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        {"sender": sms_conversation_id(number), "message": "hi"},
    )
    assert status == 400 and "sms:" in body["error"]
    assert servers.slots(sms_conversation_id(number))["screen_conditions"] == [
        "pregnancy"
    ]


def test_sms_conversations_are_stored_under_a_keyed_hash_not_the_number(servers):
    number = new_number()
    sms(servers, number, "what should I wear?")
    conversation_id = sms_conversation_id(number)
    assert conversation_id.startswith("sms:") and number[1:] not in conversation_id
    database = servers.data_dir / "conversations.sqlite"
    with sqlite3.connect(database) as db:
        senders = {
            row[0] for row in db.execute("select distinct sender_id from events")
        }
    assert conversation_id in senders and number not in senders


# -------------------------------------------------------------- booking references
def test_guessed_references_get_one_answer_and_then_a_lockout(servers):
    _, say, reference = book(servers, mode="Online", contact="guess.me@example.com")
    sender, attacker = conversation(servers)
    answers = []
    for guess in range(MAX_FAILED_CHECKS):
        attacker(f"cancel my booking RV-{guess + 2}{guess + 2}AA-BBC{guess + 2}")
        answers.append(attacker("+17605550100"))
    # unknown references and wrong contacts are not told apart ...
    assert len({a for a in answers[:-1]}) == 1
    # ... and after MAX_FAILED_CHECKS the conversation is locked, the team offered,
    # even for the right reference and contact
    assert "can't look up bookings in this chat" in answers[-1]
    assert "can't look up bookings in this chat" in attacker(
        f"cancel my booking {reference}"
    )
    assert BookingStore(servers.db_url).find_booking(reference).status == "open"


def test_a_reference_tried_with_wrong_contacts_is_locked_for_everyone(servers):
    reference = saved_booking(servers, contact="+17605550177")
    for attempt in range(MAX_FAILED_CHECKS):
        _, other = conversation(servers)  # a new conversation each time
        other(f"cancel my booking {reference}")
        other(f"+1760555{attempt:04d}")
    _, owner = conversation(servers)
    assert "can't look up bookings in this chat" in owner(
        f"cancel my booking {reference}"
    )
    assert BookingStore(servers.db_url).find_booking(reference).status == "open"


# -------------------------------------------------------------------- size limits
@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/rest/webhook",
        "/webhooks/sms/webhook",
        "/socket.io/?EIO=4&transport=polling",
        "/model/parse",
    ],
)
def test_a_1_mb_body_is_refused_with_413(servers, path):
    body = json.dumps({"sender": "big", "message": "a" * MEGABYTE}).encode()
    url = f"{servers.rasa_url}{path}" + (
        f"?token={servers.token}" if "parse" in path else ""
    )
    status, _ = http_json(url, raw=body)
    assert status == 413


def test_metadata_outside_the_allow_list_is_not_stored(servers):
    sender = uuid.uuid4().hex
    status, _ = http_json(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        {
            "sender": sender,
            "message": "hi",
            "metadata": {"language": "en", "tracking": "x" * 5000},
        },
    )
    assert status == 200
    _, tracker = http_json(
        f"{servers.rasa_url}/conversations/{sender}/tracker?token={servers.token}"
    )
    user = [e for e in tracker["events"] if e["event"] == "user"][-1]
    # what Rasa itself adds (model and assistant ids) and the allowed key, nothing else
    assert set(user["metadata"]) <= {"language", "model_id", "assistant_id"}
    assert user["metadata"]["language"] == "en"


# ------------------------------------------------------------- health text at rest
def data_files(data_dir: Path) -> List[Path]:
    return [p for p in data_dir.rglob("*") if p.is_file()]


def test_a_patients_words_are_nowhere_in_clear_on_disk(servers):
    sender, say = conversation(servers)
    say("is massage safe for me?")
    say("I'm 20 weeks pregnant with twins, the babies are called Quasimodo and Esme")
    say("no")
    number = new_number()
    sms(servers, number, "Quasimodo twins here, is massage safe for me?")
    for path in data_files(servers.data_dir):
        content = path.read_bytes()
        for word in SECRET_WORDS:
            assert word.encode() not in content, f"{word!r} in clear in {path.name}"
        assert number.encode() not in content, f"the number in clear in {path.name}"
    # the data folder and its files are for the service user only
    assert oct(servers.data_dir.stat().st_mode)[-3:] == "700"
    for path in data_files(servers.data_dir):
        assert oct(path.stat().st_mode)[-3:] == "600", path.name


# ----------------------------------------------------------------------- forget me
def test_forget_me_leaves_no_copy_anywhere(servers):
    number = new_number()
    conversation_id = sms_conversation_id(number)
    sms(servers, number, "book a consultation")
    for message in ("no", "Pat Roe", "online", "1", "wednesday at 3pm"):
        sms(servers, number, message)
    booked = " ".join(sms(servers, number, "yes"))
    assert "Booked!" in booked
    sms(servers, number, "delete my data")
    assert "deleted this conversation" in " ".join(sms(servers, number, "yes"))
    key = pseudonym(conversation_id)  # what bookings carry (actions/tracker.py)
    with sqlite3.connect(servers.data_dir / "conversations.sqlite") as db:
        assert (
            db.execute(
                "select count(*) from events where sender_id = ?", (conversation_id,)
            ).fetchone()[0]
            == 0
        )
    with sqlite3.connect(servers.data_dir / "clinic.sqlite") as db:
        for table in ("clinic_bookings", "clinic_callbacks"):
            assert (
                db.execute(
                    f"select count(*) from {table} where sender_key = ?", (key,)
                ).fetchone()[0]
                == 0
            )
    with sqlite3.connect(servers.data_dir / "clinic.sqlite") as db:
        for table in ("clinic_sms_opt_outs", "clinic_sms_options"):
            assert (
                db.execute(
                    f"select count(*) from {table} where conversation = ?",
                    (conversation_id,),
                ).fetchone()[0]
                == 0
            )
    assert list((servers.data_dir / "outbox").glob("*.json")) == []
    # the server's copy in memory is gone too: the conversation starts afresh
    assert servers.slots(conversation_id)["patient_name"] is None


# ---------------------------------------------------------------------------- logs
def test_unknown_payloads_are_refused_and_never_echoed_in_the_logs(servers):
    sender, say = conversation(servers)
    for payload in (
        "/zqpwnedpayload",
        '/affirm{"patient_name": "Evezqx"}',
        "/faq",
    ):
        assert "Please type your question in words" in say(payload)
    assert "30 minutes" in say("how long is a session?")
    http_json(
        f"{servers.rasa_url}/conversations/{sender}/tracker?token={servers.token}"
    )
    log = servers.rasa_log.read_text(errors="replace")
    assert "zqpwnedpayload" not in log and "Evezqx" not in log
    assert f"token={servers.token}" not in log and servers.token not in log


def test_the_api_token_is_not_on_any_command_line(servers):
    listing = subprocess.run(
        ["ps", "-eo", "args"], capture_output=True, text=True
    ).stdout
    assert servers.token not in listing
    assert TEST_SECRETS["ACTION_SERVER_SECRET"] not in listing


def test_unsigned_sms_is_refused(servers):
    status, _ = post(
        servers,
        {"From": new_number(), "Body": "hi", "MessageSid": "SM1"},
        signature=None,
    )
    assert status == 403
