"""Two Rasa replicas on PostgreSQL (conversations) and Redis (locks) serve the same
conversations coherently, also when one of them dies mid-conversation.

Needs PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL): skipped with the
reason when absent, failed in CI.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts.launch import Stack
from tests.conftest import stack_settings
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
    """Two Rasa replicas, as `make run-replicas` starts them, on the session's
    actions."""
    base = tmp_path_factory.mktemp("replicas")
    settings = stack_settings(
        base / "data",
        model=model_path,
        web_port=None,
        action_url=servers.action_url,
        rasa_ports=(free_port(), free_port()),
        env=dict(
            DATABASE_URL=postgres_url,
            REDIS_URL=redis_url,
            REDIS_LOCK_PREFIX=uuid.uuid4().hex,
        ),
    )
    with Stack(settings, log_dir=base).start(actions=False) as stack:
        yield stack


say = rest_text


def test_turns_alternating_between_replicas_form_one_conversation(replicas):
    (a, b), token = replicas.rasa_urls, replicas.token
    sender = uuid.uuid4().hex
    assert "Do any of these apply to you?" in say(a, sender, "is massage safe for me?")
    assert "Which of these applies?" in say(b, sender, "yes")
    assert "check with your doctor" in say(a, sender, "Pregnancy")
    for url in (a, b):
        _, tracker = http_json(f"{url}/conversations/{sender}/tracker?token={token}")
        assert tracker["slots"]["screen_outcome"] == "doctor_first"
        assert tracker["slots"]["screen_conditions"] == ["pregnancy"]


def test_simultaneous_messages_to_both_replicas_are_both_answered_in_turn(replicas):
    """Five rounds: the race this guards against (two replicas taking the lock at
    once) showed up in about one round in three with Rasa's stock Redis lock."""
    (a, b), token = replicas.rasa_urls, replicas.token
    for _ in range(5):
        sender = uuid.uuid4().hex
        say(a, sender, "hello")
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(
                    lambda pair, sender=sender: say(pair[0], sender, pair[1]),
                    [(a, "how long is a session?"), (b, "what should I wear?")],
                )
            )
        assert "30 minutes" in answers[0] and "towel" in answers[1]
        _, tracker = http_json(f"{a}/conversations/{sender}/tracker?token={token}")
        kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
        # the lock serialises the two turns: user, bot, user, bot (never interleaved)
        assert kinds[-4:] == ["user", "bot", "user", "bot"]


def test_a_killed_replica_loses_nothing(replicas):
    (a, b), token = replicas.rasa_urls, replicas.token
    sender = uuid.uuid4().hex
    assert "Do any of these apply to you?" in say(a, sender, "is massage safe for me?")
    replicas.kill(f"rasa-{replicas.settings.rasa_ports[0]}")
    assert "should be fine for you" in say(b, sender, "no")
    _, tracker = http_json(f"{b}/conversations/{sender}/tracker?token={token}")
    assert tracker["slots"]["screen_outcome"] == "clear"
