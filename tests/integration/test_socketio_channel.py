"""The widget's channel as a socket.io client uses it, and its origin check."""

import asyncio
import uuid

import pytest
import socketio

pytestmark = pytest.mark.server


async def converse(url, messages, session_id, headers=None):
    client = socketio.AsyncClient()
    replies = []
    got = asyncio.Event()

    @client.on("bot_uttered")
    async def on_bot(data):
        replies.append(data)
        got.set()

    await client.connect(
        url, socketio_path="/socket.io", transports=["websocket"], headers=headers or {}
    )
    try:
        await client.emit("session_request", {"session_id": session_id})
        for message in messages:
            got.clear()
            await client.emit(
                "user_uttered", {"message": message, "session_id": session_id}
            )
            await asyncio.wait_for(got.wait(), timeout=60)
            await asyncio.sleep(1.0)  # let the remaining messages of this turn arrive
    finally:
        await client.disconnect()
    return replies


def test_socketio_conversation_gets_answers(servers):
    replies = asyncio.run(
        converse(servers.rasa_url, ["how long is a session?"], uuid.uuid4().hex)
    )
    texts = " ".join(r.get("text", "") for r in replies)
    assert "30 minutes" in texts and "60 to 90 minutes" in texts


def test_socketio_refuses_other_web_origins(servers):
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(
            converse(
                servers.rasa_url,
                ["hi"],
                uuid.uuid4().hex,
                headers={"Origin": "https://evil.example"},
            )
        )


def test_widget_user_can_restart_after_a_handoff_by_typing_restart(servers):
    replies = asyncio.run(
        converse(
            servers.rasa_url,
            ["I want to talk to a person", "Sam Lee", "sam@example.com", "restart"],
            uuid.uuid4().hex,
        )
    )
    texts = [r.get("text", "") for r in replies]
    quiet = next(i for i, t in enumerate(texts) if "stay quiet" in t)
    assert any("let's start again" in t for t in texts[quiet + 1 :])
