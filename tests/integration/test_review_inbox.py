"""The review inbox filled by real conversations: a fallback and a second miss through
REST become items with the guesses and no sender id (contacts and conditions in the
text: tests/unit/test_review.py); a request for a person right after marks the
item."""

from __future__ import annotations

import uuid

import pytest

from clinic.booking.store import BookingStore
from clinic.privacy import pseudonym
from clinic.review import ReviewInbox

pytestmark = pytest.mark.server


def test_misses_reach_the_review_inbox_without_who_sent_them(servers):
    sender = uuid.uuid4().hex
    servers.say("blorp zzkq wib", sender)
    servers.say("and the other one", sender)
    servers.say("Talk to a person", sender)
    inbox = ReviewInbox(BookingStore(servers.db_url))
    key = pseudonym(sender)
    with inbox.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select id, sender_key from clinic_review_items where sender_key = ?",
            (key,),
        ).all()
    assert len(rows) == 2, [(i.text, i.reason) for i in inbox.items(status=None)]
    mine = [i for i in inbox.items() if i.id in {r[0] for r in rows}]
    first, second = sorted(mine, key=lambda i: i.id)
    assert first.text == "blorp zzkq wib"
    assert first.reason == "fallback" and first.channel == "rest"
    assert len(first.guesses) == 3 and all(0 <= s <= 1 for _, s in first.guesses)
    assert second.text == "and the other one"
    assert second.reason == "handoff_after_miss"  # the person asked for right after
    with inbox.store.engine.connect() as conn:
        stored = str(conn.exec_driver_sql("select * from clinic_review_items").all())
    assert sender not in stored and "blorp" not in stored  # encrypted, pseudonymous


def test_a_faq_answer_that_did_not_help_sends_the_question_to_review(servers):
    sender = uuid.uuid4().hex
    answer = servers.say("how long does a session last?", sender)
    buttons = [b for m in answer for b in m.get("buttons", [])]
    assert {"title": "That didn't answer my question", "payload": "/faq_unhelpful"} in (
        buttons
    )
    sorry = " ".join(m.get("text", "") for m in servers.say("/faq_unhelpful", sender))
    assert "passed your question on" in sorry
    inbox = ReviewInbox(BookingStore(servers.db_url))
    mine = [i for i in inbox.items() if i.text == "how long does a session last?"]
    assert [i.reason for i in mine] == ["not_helpful"]
    assert mine[0].guesses[0][0] == "faq/session_length"


def test_sms_answers_carry_no_feedback_option(servers):
    from tests.integration.test_sms_channel import new_number, sms

    reply = " ".join(sms(servers, new_number(), "how long is a session?"))
    assert "30 minutes" in reply and "didn't answer" not in reply
