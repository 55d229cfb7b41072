"""The review inbox on a real SQLite file: what an item keeps (and never keeps), staff
labelling in the terminal, the export as training data, forget-me, the staff token."""

import argparse
import io
from datetime import datetime, timezone

import pytest
import yaml

from clinic.booking.store import BookingStore
from clinic.review import ReviewInbox, best_guesses, for_staff
from services import review as review_tool
from services import staff

NOW = datetime(2027, 1, 4, 18, 0, tzinfo=timezone.utc)
PARSE = {
    "text": "wat do i ware",
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.7},
        {"name": "faq", "confidence": 0.5},
        {"name": "book_consultation", "confidence": 0.3},
    ],
    "response_selector": {
        "faq": {
            "ranking": [
                {"intent_response_key": "faq/clothing", "confidence": 0.8},
                {"intent_response_key": "faq/what_to_expect", "confidence": 0.2},
            ]
        }
    },
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CLINIC_STAFF_TOKEN", raising=False)
    return BookingStore(url)


def test_guesses_are_the_best_three_labels_with_scores():
    assert best_guesses(PARSE) == [
        ("faq/clothing", 0.4),
        ("book_consultation", 0.3),
        ("faq/what_to_expect", 0.1),
    ]


def test_staff_never_see_a_contact_and_see_conditions_as_ids():
    text = "im pregnant, call me on +1 760 555 0100 or jo@example.com"
    shown = for_staff(text)
    assert "760" not in shown and "jo@" not in shown and shown.count("[contact]") == 2
    assert "[condition:pregnancy]" in shown and "pregnant" not in shown
    assert "pregnant" in for_staff(text, redact_conditions=False)


def test_an_item_keeps_no_sender_id_and_its_text_is_encrypted(db):
    inbox = ReviewInbox(db)
    inbox.add(
        "pseudonym-1", "fallback", "wat do i ware", best_guesses(PARSE), "socketio", NOW
    )
    [item] = inbox.items()
    assert (item.text, item.reason, item.channel) == (
        "wat do i ware",
        "fallback",
        "socketio",
    )
    assert item.guesses[0] == ("faq/clothing", 0.4)
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql("select * from clinic_review_items").one()
    assert "ware" not in str(row) and "clothing" not in str(row)
    db.delete_all_for_sender("pseudonym-1")  # forget me
    assert inbox.items(status=None) == []


def review(*argv, answers=(), token=None):
    """`make staff ARGS="review ..."`, with `answers` typed at its prompts."""
    out, err = io.StringIO(), io.StringIO()
    parser = argparse.ArgumentParser()
    review_tool.add_arguments(parser)
    args = parser.parse_args([*argv, *(["--token", token] if token else [])])
    replies = iter(answers)
    code = review_tool.run(args, out, err, ask=lambda _: next(replies))
    return code, out.getvalue(), err.getvalue()


def test_labelling_in_the_terminal_exports_training_data(db, tmp_path):
    inbox = ReviewInbox(db)
    inbox.add("p1", "fallback", "wat do i ware", best_guesses(PARSE), "socketio", NOW)
    inbox.add("p2", "second_miss", "do u do cupping", [], "sms", NOW)
    inbox.add("p3", "handoff_after_miss", "call me maybe", [], "rest", NOW)
    code, out, _ = review("--list")
    assert code == 0 and len(out.splitlines()) == 3 and "wat do i ware" in out
    target = tmp_path / "reviewed.yml"
    code, out, _ = review(
        "--out",
        str(target),
        answers=[
            "1",
            "nonsense",
            "new_topic",
            "e",
            "can I speak to someone",
            "human_handoff",
        ],
    )
    assert code == 0 and "Unknown label 'nonsense'" in out
    assert "New topics waiting" in out and "do u do cupping" in out
    written = target.read_text()
    assert written.startswith("# The clinic's own patients' wording")
    data = yaml.safe_load(written)
    examples = {b["intent"]: b["examples"] for b in data["nlu"]}
    assert examples == {
        "faq/clothing": "- wat do i ware\n",
        "human_handoff": "- can I speak to someone\n",
    }
    assert review("--list")[1] == "Nothing to review.\n"


def test_review_refuses_without_the_staff_token_where_one_is_set(db, monkeypatch):
    monkeypatch.setenv("CLINIC_STAFF_TOKEN", "s3cret")
    code, _, err = review("--list")
    assert code == 2 and "staff token" in err
    assert review("--list", token="wrong")[0] == 2
    assert review("--list", token="s3cret")[0] == 0


def test_make_staff_runs_the_review(db):
    out = io.StringIO()
    assert staff.main(["review", "--list"], out=out) == 0
    assert out.getvalue() == "Nothing to review.\n"


def test_only_guesses_staff_can_pick_are_numbered(db, tmp_path):
    inbox = ReviewInbox(db)
    guesses = [("inform", 0.5), ("greet", 0.3), ("out_of_scope", 0.1)]
    inbox.add("p1", "fallback", "blorp", guesses, "rest", NOW)
    code, out, _ = review("--out", str(tmp_path / "r.yml"), answers=["1"])
    assert code == 0 and "1) greet" in out and "inform" not in out
    assert [i.label for i in inbox.items("labelled")] == ["greet"]
