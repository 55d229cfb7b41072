"""`make run`'s shape: two Rasa replicas behind nginx on the one public port, on the
embedded SQLite store and the SQLite lock (no PostgreSQL, no Redis). Every channel
works through nginx, a conversation spread over both replicas stays one
conversation, the replicas cannot be reached from outside, and nginx refuses big
bodies. Needs nginx (`make nginx`): skipped with the reason when absent, failed in CI.
"""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services import balancer
from services.launch import Stack
from tests.conftest import stack_settings
from tests.databases import unavailable
from tests.helpers import free_port, http_json, opening, rest_text
from tests.integration.test_sms_channel import new_number, sms

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def balanced(servers, model_path, tmp_path_factory):
    if balancer.nginx_binary() is None:
        unavailable("nginx is not installed (make nginx)")
    base = tmp_path_factory.mktemp("balanced")
    settings = stack_settings(
        base / "data",
        model=model_path,
        web_port=None,
        action_url=servers.action_url,
        rasa_ports=(free_port(), free_port()),
        balancer_port=free_port(),
        env={"DATABASE_URL": "", "REDIS_URL": "", "TRACKER_DATABASE_URL": ""},
    )
    with Stack(settings, log_dir=base).start(actions=False) as stack:
        yield stack


def test_a_screen_spread_over_both_replicas_is_one_conversation(balanced):
    sender = uuid.uuid4().hex
    url = balanced.rasa_url
    with ThreadPoolExecutor(4) as pool:  # others keep both replicas busy meanwhile
        noise = [
            pool.submit(rest_text, url, uuid.uuid4().hex, "how long is a session?")
            for _ in range(8)
        ]
        assert opening("utter_ask_screen_any") in rest_text(
            url, sender, "is massage safe for me?"
        )
        assert opening("utter_ask_screen_which") in rest_text(url, sender, "yes")
        assert "check with your doctor" in rest_text(url, sender, "Pregnancy")
        assert all("30 minutes" in answer.result() for answer in noise)
    _, tracker = http_json(
        f"{url}/conversations/{sender}/tracker?token={balanced.token}"
    )
    assert tracker["slots"]["screen_conditions"] == ["pregnancy"]
    users = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert users == ["is massage safe for me?", "yes", "Pregnancy"]


def test_both_replicas_answer(balanced):
    for url in balanced.rasa_urls:
        assert "30 minutes" in rest_text(
            url, uuid.uuid4().hex, "how long is a session?"
        )


def test_a_signed_sms_is_answered_through_nginx(balanced):
    answers = sms(balanced, new_number(), "how long is a session?")
    assert any("30 minutes" in text for text in answers)


def test_the_widgets_socket_io_session_holds_through_nginx(balanced):
    """socket.io's polling transport: the handshake and the next requests of one
    client must reach the replica that opened the session (sticky routing)."""
    base = f"{balanced.rasa_url}/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=10) as response:
        handshake = json.loads(response.read().decode()[1:])
    sid = handshake["sid"]
    for _ in range(4):  # each request would fail on the other replica
        request = urllib.request.Request(
            f"{base}&sid={sid}", data=b"40", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}&sid={sid}", timeout=10) as response:
            assert response.status == 200


def test_bodies_over_64_kb_are_refused_at_the_door(balanced):
    status, _ = http_json(
        f"{balanced.rasa_url}/webhooks/rest/webhook", raw=b"x" * (65 * 1024)
    )
    assert status == 413


def test_the_replicas_are_not_reachable_from_outside(balanced):
    addresses = subprocess.run(
        ["hostname", "-I"], capture_output=True, text=True, check=False
    ).stdout.split()
    outside = [a for a in addresses if ":" not in a and not a.startswith("127.")]
    if not outside:
        pytest.skip("this machine has no address but loopback")
    for port in balanced.settings.rasa_ports:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((outside[0], port)) != 0, port
    with socket.socket() as sock:  # the public port is
        sock.settimeout(2)
        assert sock.connect_ex((outside[0], balanced.settings.balancer_port)) == 0
