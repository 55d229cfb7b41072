"""Two Rasa replicas on PostgreSQL (conversations) and Redis (locks) serve the same
conversations coherently, also when one of them dies mid-conversation.

Needs PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL): skipped with the
reason when absent, failed in CI.
"""
from __future__ import annotations

import secrets
import signal
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import TWILIO_TOKEN, start_rasa, wait_until_up
from tests.databases import reachable_redis_url, temporary_postgres
from tests.helpers import free_port, http_json, rest_text

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


@pytest.fixture(scope="module")
def redis_url():
    return reachable_redis_url()


@pytest.fixture(scope="module")
def replicas(servers, model_path, postgres_url, redis_url, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("replicas")
    token = secrets.token_hex(8)
    env = dict(ACTION_SERVER_URL=servers.action_url, TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
               DATABASE_URL=postgres_url, TRACKER_DATABASE_URL="", REDIS_URL=redis_url,
               REDIS_LOCK_PREFIX=uuid.uuid4().hex, SMS_STATE_DB=str(log_dir / "sms.sqlite"))
    ports = [free_port(), free_port()]
    processes = [start_rasa(model_path, port, token, log_dir / f"rasa-{port}.log", **env)
                 for port in ports]
    try:
        for port, process in zip(ports, processes):
            wait_until_up(f"http://127.0.0.1:{port}/status?token={token}", process,
                          log_dir / f"rasa-{port}.log")
        yield [f"http://127.0.0.1:{port}" for port in ports], processes, token
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


say = rest_text


def test_turns_alternating_between_replicas_form_one_conversation(replicas):
    (a, b), _, token = replicas
    sender = uuid.uuid4().hex
    assert "Do any of these apply to you?" in say(a, sender, "is massage safe for me?")
    assert "Which of these applies?" in say(b, sender, "yes")
    assert "check with your doctor" in say(a, sender, "Pregnancy")
    for url in (a, b):
        _, tracker = http_json(f"{url}/conversations/{sender}/tracker?token={token}")
        assert tracker["slots"]["screen_outcome"] == "doctor_first"
        assert tracker["slots"]["screen_conditions"] == ["pregnancy"]


def test_simultaneous_messages_to_both_replicas_are_both_answered_in_turn(replicas):
    (a, b), _, token = replicas
    sender = uuid.uuid4().hex
    say(a, sender, "hello")
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda pair: say(pair[0], sender, pair[1]),
                                [(a, "how long is a session?"), (b, "what should I wear?")]))
    assert "30 minutes" in answers[0] and "towel" in answers[1]
    _, tracker = http_json(f"{a}/conversations/{sender}/tracker?token={token}")
    kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
    # the lock serialises the two turns: user, bot, user, bot (never interleaved)
    assert kinds[-4:] == ["user", "bot", "user", "bot"]


def test_a_killed_replica_loses_nothing(replicas):
    (a, b), processes, token = replicas
    sender = uuid.uuid4().hex
    assert "Do any of these apply to you?" in say(a, sender, "is massage safe for me?")
    processes[0].send_signal(signal.SIGKILL)
    processes[0].wait(timeout=30)
    assert "should be fine for you" in say(b, sender, "no")
    _, tracker = http_json(f"{b}/conversations/{sender}/tracker?token={token}")
    assert tracker["slots"]["screen_outcome"] == "clear"
