"""The widget's channel as a socket.io client uses it: answers, the origin check,
server-issued conversation ids and capped messages."""

import asyncio

import pytest
import socketio

pytestmark = pytest.mark.server


async def converse(url, messages, session_id=None, headers=None, claimed=None):
    """A widget conversation. `session_id`: the id the client asks to come back to;
    `claimed`: an id it puts in its messages instead of the one it was given."""
    client = socketio.AsyncClient()
    replies, confirmed = [], []
    got, ready = asyncio.Event(), asyncio.Event()

    @client.on("bot_uttered")
    async def on_bot(data):
        replies.append(data)
        got.set()

    @client.on("session_confirm")
    async def on_confirm(data):
        confirmed.append(data)
        ready.set()

    await client.connect(
        url, socketio_path="/socket.io", transports=["websocket"], headers=headers or {}
    )
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(ready.wait(), timeout=30)
        for message in messages:
            got.clear()
            await client.emit(
                "user_uttered",
                {"message": message, "session_id": claimed or confirmed[0]},
            )
            await asyncio.wait_for(got.wait(), timeout=60)
            await asyncio.sleep(1.0)  # let the remaining messages of this turn arrive
    finally:
        await client.disconnect()
    return replies, confirmed[0]


def test_socketio_conversation_gets_answers(servers):
    replies, _ = asyncio.run(converse(servers.rasa_url, ["how long is a session?"]))
    texts = " ".join(r.get("text", "") for r in replies)
    assert "30 minutes" in texts and "60 to 90 minutes" in texts


def test_socketio_refuses_other_web_origins(servers):
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(
            converse(
                servers.rasa_url, ["hi"], headers={"Origin": "https://evil.example"}
            )
        )


def test_conversation_ids_are_issued_by_the_server_not_chosen_by_the_client(servers):
    sender = "borrowed-rest-sender"
    servers.say("I'm Jo and I'm 12 weeks pregnant", sender)  # a REST conversation
    # a widget client asking for that id, or for an SMS-style one, gets its own
    for requested in (sender, "sms:0123456789abcdef0123456789abcdef", "+17605550100"):
        _, issued = asyncio.run(converse(servers.rasa_url, [], session_id=requested))
        assert issued != requested and issued.startswith("web:")
    # and messages naming another conversation go to the socket's own one
    replies, issued = asyncio.run(
        converse(servers.rasa_url, ["is massage safe for me?"], claimed=sender)
    )
    assert servers.slots(issued)["screen_conditions"] == []
    # coming back with an id it was given keeps the conversation (session persistence)
    _, again = asyncio.run(converse(servers.rasa_url, [], session_id=issued))
    assert again == issued


def test_an_over_long_widget_message_gets_the_polite_answer(servers):
    replies, _ = asyncio.run(converse(servers.rasa_url, ["massage " * 1000]))
    assert "too long" in " ".join(r.get("text", "") for r in replies)


def test_widget_user_can_restart_after_a_handoff_by_typing_restart(servers):
    replies, _ = asyncio.run(
        converse(
            servers.rasa_url,
            ["I want to talk to a person", "Sam Lee", "sam@example.com", "restart"],
        )
    )
    texts = [r.get("text", "") for r in replies]
    quiet = next(i for i, t in enumerate(texts) if "stay quiet" in t)
    assert any("let's start again" in t for t in texts[quiet + 1 :])
