"""Two Rasa replicas on PostgreSQL (conversations) and Redis (locks) serve the same
conversations coherently, also when one of them dies mid-conversation.

Needs PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL): skipped with the
reason when absent, failed in CI.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.launch import Stack
from tests.conftest import stack_settings
from tests.databases import reachable_redis_url, temporary_postgres
from tests.helpers import free_port, http_json, opening, rest_text

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


@pytest.fixture(scope="module")
def redis_url():
    return reachable_redis_url()


@pytest.fixture(scope="module")
def replicas(servers, model_path, postgres_url, redis_url, tmp_path_factory):
    """Two Rasa replicas and an action server, as `make run-replicas` starts them:
    conversations and bookings on PostgreSQL, locks on Redis."""
    base = tmp_path_factory.mktemp("replicas")
    settings = stack_settings(
        base / "data",
        model=model_path,
        web_port=None,
        action_port=free_port(),
        rasa_ports=(free_port(), free_port()),
        env=dict(
            DATABASE_URL=postgres_url,
            REDIS_URL=redis_url,
            REDIS_LOCK_PREFIX=uuid.uuid4().hex,
        ),
    )
    with Stack(settings, log_dir=base).start() as stack:
        yield stack


say = rest_text


def test_turns_alternating_between_replicas_form_one_conversation(replicas):
    (a, b), token = replicas.rasa_urls, replicas.token
    sender = uuid.uuid4().hex
    assert opening("utter_ask_screen_any") in say(a, sender, "is massage safe for me?")
    assert opening("utter_ask_screen_which") in say(b, sender, "yes")
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


def rest(url: str, sender: str, message: str):
    status, body = http_json(
        f"{url}/webhooks/rest/webhook", {"sender": sender, "message": message}
    )
    assert status == 200, body
    return body


def to_the_time_question(url: str, sender: str):
    for message in ("book a consultation", "no", "Jane Doe", "By phone"):
        rest(url, sender, message)
    return rest(url, sender, "(760) 555-0100")


def time_buttons(messages):
    return [
        b for m in messages for b in m.get("buttons", []) if "slot_time" in b["payload"]
    ]


def test_two_patients_on_two_replicas_race_for_one_time(replicas):
    """The same open time, tapped by two patients at the same moment through two
    replicas (bookings on PostgreSQL): exactly one gets it, the other is told and
    offered the next open time."""
    a, b = replicas.rasa_urls
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    offer_a = time_buttons(to_the_time_question(a, first))
    offer_b = time_buttons(to_the_time_question(b, second))
    assert offer_a[:3] == offer_b[:3]  # the same nearest times for both
    wanted = offer_a[0]["payload"]
    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(lambda turn: rest(*turn, wanted), [(a, first), (b, second)])
        )
    texts = [" ".join(m.get("text", "") for m in reply) for reply in replies]
    won = [
        i
        for i, text in enumerate(texts)
        if opening("utter_ask_booking_confirm") in text
    ]
    assert len(won) == 1, texts
    lost = 1 - won[0]
    assert "someone has just taken that time" in texts[lost]
    assert time_buttons(replies[lost])[0] == offer_a[1]  # the next open time
    winner = (a, first) if won[0] == 0 else (b, second)
    assert "Booked!" in " ".join(m.get("text", "") for m in rest(*winner, "yes"))


def test_a_killed_replica_loses_nothing(replicas):
    (a, b), token = replicas.rasa_urls, replicas.token
    sender = uuid.uuid4().hex
    assert opening("utter_ask_screen_any") in say(a, sender, "is massage safe for me?")
    replicas.kill(f"rasa-{replicas.settings.rasa_ports[0]}")
    assert "should be fine for you" in say(b, sender, "no")
    _, tracker = http_json(f"{b}/conversations/{sender}/tracker?token={token}")
    assert tracker["slots"]["screen_outcome"] == "clear"
