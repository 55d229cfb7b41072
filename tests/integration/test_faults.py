"""Faults a clinic will meet, each answered politely and without loss:
the action server down or hanging, the database down in the middle of a booking,
Redis (the lock store) down. A breakable proxy sits in front of each dependency.
"""

from __future__ import annotations

import re
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from clinic.channel_texts import text as channel_text
from services.launch import Stack
from tests.conftest import stack_settings
from tests.databases import reachable_redis_url, temporary_postgres
from tests.helpers import free_port, opening, rest_text
from tests.proxy import BreakableProxy

pytestmark = pytest.mark.server
ACTION_TIMEOUT = 6
STORE_TIMEOUT = 2  # per database call; two attempts fit in ACTION_TIMEOUT


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
    base = tmp_path_factory.mktemp("faults")
    pg = sa.engine.make_url(postgres_url)
    pg_proxy = BreakableProxy(pg.host or "127.0.0.1", pg.port or 5432)
    redis_proxy = BreakableProxy(*redis_address)
    action_port = free_port()
    action_proxy = BreakableProxy("127.0.0.1", action_port)
    db_url = pg.set(host="127.0.0.1", port=pg_proxy.port).render_as_string(
        hide_password=False
    )
    settings = stack_settings(
        base / "data",
        model=model_path,
        web_port=None,
        action_port=action_port,
        action_url=f"http://127.0.0.1:{action_proxy.port}/webhook",
        env=dict(
            DATABASE_URL=db_url,
            ACTION_TIMEOUT=str(ACTION_TIMEOUT),
            STORE_TIMEOUT=str(STORE_TIMEOUT),
            TRACKER_DATABASE_URL=f"sqlite:///{base / 'conversations.sqlite'}",
            REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}/15",
            REDIS_LOCK_PREFIX=uuid.uuid4().hex,
        ),
    )
    try:
        with Stack(settings, log_dir=base).start() as stack:
            yield dict(
                url=stack.rasa_url,
                db_url=postgres_url,
                pg=pg_proxy,
                redis=redis_proxy,
                actions=action_proxy,
                data_dir=settings.data_dir,
            )
    finally:
        for proxy in (pg_proxy, redis_proxy, action_proxy):
            proxy.close()


def chat(faulty):
    sender = uuid.uuid4().hex

    return lambda message: rest_text(faulty["url"], sender, message)


def test_action_server_down_gets_an_apology_and_faqs_still_work(faulty):
    faulty["actions"].set_mode("drop")
    try:
        assert chat(faulty)("is massage safe for me?") == channel_text("apology")
        assert "30 minutes" in chat(faulty)(
            "how long is a session?"
        )  # no custom action needed
    finally:
        faulty["actions"].set_mode("forward")
    assert opening("utter_ask_screen_any") in chat(faulty)("is massage safe for me?")


def test_a_hanging_action_server_times_out_into_an_apology(faulty):
    faulty["actions"].set_mode("stall")
    try:
        started = time.monotonic()
        assert chat(faulty)("is massage safe for me?") == channel_text("apology")
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
    assert opening("utter_ask_booking_confirm") in say("friday at 10am")
    faulty["pg"].set_mode("drop")
    try:
        kept = say("yes")
        assert (
            "couldn't save your booking just now" in kept
            and "try again" in kept.lower()
        )
        assert len(list((faulty["data_dir"] / "outbox").glob("*.json"))) == 1
    finally:
        faulty["pg"].set_mode("forward")
    done = say("yes")
    reference = re.search(r"RV-[0-9A-Z]{4}-[0-9A-Z]{4}", done).group(0)
    engine = sa.create_engine(faulty["db_url"])
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select reference from clinic_bookings where name = 'Jane Doe'")
        ).all()
    engine.dispose()
    assert [r[0] for r in rows] == [reference]
    assert list((faulty["data_dir"] / "outbox").glob("*.json")) == []


def reach_the_booking_summary(say) -> None:
    say("book a consultation")
    say("no")
    say("Jane Roe")
    say("online")
    say("jane.roe@example.com")
    assert opening("utter_ask_booking_confirm") in say("friday at 11am")


def test_a_hanging_database_holds_up_no_other_conversation(faulty):
    """The action server's event loop stays free while one booking waits on a database
    that accepts connections and never answers."""
    say = chat(faulty)
    reach_the_booking_summary(say)
    faulty["pg"].set_mode("stall")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(say, "yes")
            time.sleep(0.5)  # the save is now waiting on the database
            other = chat(faulty)
            started = time.monotonic()
            screen = other("is massage safe for me?")  # a turn that runs custom actions
            faq = other("how long is a session?")
            waited = time.monotonic() - started
            still_waiting = not pending.done()
            kept = pending.result(timeout=ACTION_TIMEOUT + 10)
    finally:
        faulty["pg"].set_mode("forward")
    assert opening("utter_ask_screen_any") in screen and "30 minutes" in faq
    assert still_waiting, "the booking should still be waiting on the database"
    assert waited < 2.0, f"other conversation waited {waited:.1f} s"
    assert "couldn't save your booking just now" in kept  # not the generic apology


def test_redis_down_gets_an_apology_then_recovers(faulty):
    faulty["redis"].set_mode("drop")
    try:
        assert chat(faulty)("how long is a session?") == channel_text("apology")
    finally:
        faulty["redis"].set_mode("forward")
    assert "30 minutes" in chat(faulty)("how long is a session?")
