"""Faults a clinic will meet, each answered politely and without loss:
the action server down or hanging, the database down in the middle of a booking,
Redis (the lock store) down. A breakable proxy sits in front of each dependency.
"""
from __future__ import annotations

import re
import secrets
import subprocess
import time
import urllib.parse
import uuid

import pytest
import sqlalchemy as sa

from channels.input_guard import ERROR_TEXT
from tests.conftest import TWILIO_TOKEN, _env, start_rasa, wait_until_up
from tests.databases import reachable_redis_url, temporary_postgres
from tests.helpers import ROOT, VENV_BIN, free_port, rest_text
from tests.proxy import BreakableProxy

pytestmark = pytest.mark.server
ACTION_TIMEOUT = 3


@pytest.fixture(scope="module")
def postgres_url():
    yield from temporary_postgres()


@pytest.fixture(scope="module")
def redis_address():
    url = urllib.parse.urlparse(reachable_redis_url())
    return url.hostname or "127.0.0.1", url.port or 6379


@pytest.fixture(scope="module")
def faulty(model_path, postgres_url, redis_address, tmp_path_factory):
    """Action server + Rasa server whose database, action server and Redis can fail."""
    log_dir = tmp_path_factory.mktemp("faults")
    pg = sa.engine.make_url(postgres_url)
    pg_proxy = BreakableProxy(pg.host or "127.0.0.1", pg.port or 5432)
    redis_proxy = BreakableProxy(*redis_address)
    action_port = free_port()
    db_url = pg.set(host="127.0.0.1", port=pg_proxy.port).render_as_string(hide_password=False)
    processes = [subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port), "--actions", "actions"],
        cwd=ROOT, env=_env(DATABASE_URL=db_url, OUTBOX_DIR=str(log_dir / "outbox")),
        stdout=(log_dir / "actions.log").open("w"), stderr=subprocess.STDOUT)]
    action_proxy = BreakableProxy("127.0.0.1", action_port)
    rasa_port, token = free_port(), secrets.token_hex(8)
    processes.append(start_rasa(
        model_path, rasa_port, token, log_dir / "rasa.log",
        ACTION_SERVER_URL=f"http://127.0.0.1:{action_proxy.port}/webhook",
        ACTION_TIMEOUT=str(ACTION_TIMEOUT), TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TRACKER_DATABASE_URL=f"sqlite:///{log_dir / 'conversations.sqlite'}",
        REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}/15",
        REDIS_LOCK_PREFIX=uuid.uuid4().hex, SMS_STATE_DB=str(log_dir / "sms.sqlite")))
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", processes[0], log_dir / "actions.log")
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={token}", processes[1],
                      log_dir / "rasa.log")
        yield dict(url=f"http://127.0.0.1:{rasa_port}", db_url=postgres_url, pg=pg_proxy,
                   redis=redis_proxy, actions=action_proxy, log_dir=log_dir)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for proxy in (pg_proxy, redis_proxy, action_proxy):
            proxy.close()


def chat(faulty):
    sender = uuid.uuid4().hex

    return lambda message: rest_text(faulty["url"], sender, message)


def test_action_server_down_gets_an_apology_and_faqs_still_work(faulty):
    faulty["actions"].set_mode("drop")
    try:
        assert chat(faulty)("is massage safe for me?") == ERROR_TEXT
        assert "30 minutes" in chat(faulty)("how long is a session?")  # no custom action needed
    finally:
        faulty["actions"].set_mode("forward")
    assert "Do any of these apply to you?" in chat(faulty)("is massage safe for me?")


def test_a_hanging_action_server_times_out_into_an_apology(faulty):
    faulty["actions"].set_mode("stall")
    try:
        started = time.monotonic()
        assert chat(faulty)("is massage safe for me?") == ERROR_TEXT
        assert time.monotonic() - started < ACTION_TIMEOUT + 10
    finally:
        faulty["actions"].set_mode("forward")


def test_database_down_during_a_booking_loses_nothing(faulty):
    say = chat(faulty)
    say("book a consultation")
    say("no")
    say("Jane Doe")
    say("online")
    say("jane@example.com")
    assert "Please check your booking" in say("tomorrow at 10am")
    faulty["pg"].set_mode("drop")
    try:
        kept = say("yes")
        assert "couldn't save your booking just now" in kept and "try again" in kept.lower()
        assert len(list((faulty["log_dir"] / "outbox").glob("*.json"))) == 1
    finally:
        faulty["pg"].set_mode("forward")
    done = say("yes")
    reference = re.search(r"RV-[0-9A-Z]{4}", done).group(0)
    engine = sa.create_engine(faulty["db_url"])
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select reference from clinic_bookings where name = 'Jane Doe'")).all()
    engine.dispose()
    assert [r[0] for r in rows] == [reference]
    assert list((faulty["log_dir"] / "outbox").glob("*.json")) == []


def test_redis_down_gets_an_apology_then_recovers(faulty):
    faulty["redis"].set_mode("drop")
    try:
        assert chat(faulty)("how long is a session?") == ERROR_TEXT
    finally:
        faulty["redis"].set_mode("forward")
    assert "30 minutes" in chat(faulty)("how long is a session?")

