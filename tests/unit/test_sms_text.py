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
    path = tmp_path / "sms.sqlite"
    state = SmsState(path)
    state.set_opted_out("sms:aaa", True)
    state.set_options("sms:aaa", ["/affirm", "/deny"])
    state.set_options("sms:bbb", ["/stop"])
    again = SmsState(path)
    assert again.opted_out("sms:aaa") and not again.opted_out("sms:bbb")
    assert again.options("sms:aaa") == ["/affirm", "/deny"]
    again.forget("sms:aaa")
    assert not again.opted_out("sms:aaa") and again.options("sms:aaa") == []
    assert again.options("sms:bbb") == ["/stop"]
    assert oct(path.stat().st_mode)[-3:] == "600"
