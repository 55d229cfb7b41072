"""SMS rendering: GSM-7 text, numbered options, clean splitting, TwiML."""

from channels.sms_text import MAX_MESSAGE, gsm_safe, render, split_message, twiml
from stores.sms_state import SmsState


def test_gsm_safe_replaces_fancy_punctuation_and_drops_emoji():
    assert (
        gsm_safe("You\u2019re fine \u2013 \u201cyes\u201d \U0001f33f\u2026")
        == 'You\'re fine - "yes" ...'
    )
    assert gsm_safe("café") == "café"  # é is in the GSM-7 alphabet
    assert gsm_safe("façade naïve") == "facade naive"  # ç and ï are not


def test_buttons_become_numbered_options_of_the_last_message():
    parts, payloads = render(
        [
            {"text": "Notice."},
            {
                "text": "Do any apply?",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            },
        ]
    )
    assert parts == ["Notice.", "Do any apply?\nReply 1 for Yes, 2 for No."]
    assert payloads == ["/affirm", "/deny"]


def test_long_text_splits_on_sentence_boundaries_within_the_limit():
    sentence = "This is a sentence of a long answer about massage. "
    text = sentence * 80  # ~4,000 characters
    parts = split_message(text.strip())
    assert len(parts) >= 3
    assert all(len(p) <= MAX_MESSAGE for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text.strip()


def test_one_huge_word_is_still_split():
    parts = split_message("x" * 4000)
    assert [len(p) for p in parts] == [1600, 1600, 800]


def test_twiml_escapes_markup():
    xml = twiml(["<b>1 & 2</b>"])
    assert "<Message>&lt;b&gt;1 &amp; 2&lt;/b&gt;</Message>" in xml
    assert twiml([]).endswith("<Response></Response>")


def test_state_survives_a_restart_and_forgets_a_conversation(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite'}"
    state = SmsState(url, tmp_path)
    state.set_opted_out("sms:aaa", True)
    state.set_options("sms:aaa", ['/inform{"condition": "pregnancy"}', "/deny"])
    state.set_options("sms:bbb", ["/stop"])
    again = SmsState(url, tmp_path)  # a restart, or another machine on the database
    assert again.opted_out("sms:aaa") and not again.opted_out("sms:bbb")
    assert again.options("sms:aaa") == ['/inform{"condition": "pregnancy"}', "/deny"]
    assert b"pregnancy" not in (tmp_path / "clinic.sqlite").read_bytes()  # encrypted
    again.forget("sms:aaa")
    assert not again.opted_out("sms:aaa") and again.options("sms:aaa") == []
    assert again.options("sms:bbb") == ["/stop"]


def test_the_first_versions_local_rows_move_into_the_database_once(tmp_path):
    import sqlite3

    old = sqlite3.connect(str(tmp_path / "sms-state.sqlite"))
    with old:
        old.execute("CREATE TABLE opt_out (conversation TEXT PRIMARY KEY)")
        old.execute(
            "CREATE TABLE options (conversation TEXT PRIMARY KEY, payloads TEXT)"
        )
        old.execute(
            "CREATE TABLE reminder (conversation TEXT PRIMARY KEY, reference TEXT)"
        )
        old.execute("INSERT INTO opt_out VALUES ('sms:stopped')")
        old.execute("INSERT INTO options VALUES ('sms:offered', '[\"/affirm\"]')")
        old.execute("INSERT INTO reminder VALUES ('sms:reminded', 'RV-AAAA-BBBB')")
    old.close()
    state = SmsState(f"sqlite:///{tmp_path / 'clinic.sqlite'}", tmp_path)
    assert state.opted_out("sms:stopped")
    assert state.options("sms:offered") == ["/affirm"]
    assert state.reminder("sms:reminded") == "RV-AAAA-BBBB"
    assert not (tmp_path / "sms-state.sqlite").exists()
