"""SMS rendering: GSM-7 text, numbered options, clean splitting, TwiML."""
from channels.sms_state import SmsState
from channels.sms_text import MAX_MESSAGE, gsm_safe, render, split_message, twiml


def test_gsm_safe_replaces_fancy_punctuation_and_drops_emoji():
    assert gsm_safe("You\u2019re fine \u2013 \u201cyes\u201d \U0001F33F\u2026") == 'You\'re fine - "yes" ...'
    assert gsm_safe("café") in ("café", "cafe")


def test_buttons_become_numbered_options_of_the_last_message():
    parts, payloads = render([
        {"text": "Notice."},
        {"text": "Do any apply?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                              {"title": "No", "payload": "/deny"}]},
    ])
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


def test_state_survives_a_restart_and_stores_no_number(tmp_path):
    path = tmp_path / "sms.sqlite"
    state = SmsState(path)
    state.set_opted_out("+17605550100", True)
    state.set_options("+17605550100", ["/affirm", "/deny"])
    again = SmsState(path)
    assert again.opted_out("+17605550100") and not again.opted_out("+17605550101")
    assert again.options("+17605550100") == ["/affirm", "/deny"]
    assert b"7605550100" not in path.read_bytes()
