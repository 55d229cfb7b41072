"""What "Did you mean ...?" offers, and when the assistant gives up and offers a person."""
from actions.clarification import (
    candidate_options,
    consecutive_misses,
    topic_titles,
    valid_topic,
)
from tests.helpers import ROOT

import yaml


def parse(intents, topics=()):
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}]
        + [{"name": n, "confidence": c} for n, c in intents],
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": f"faq/{t}", "confidence": c}
                                for t, c in topics]}
        },
    }


def test_every_contract_topic_has_a_title_and_an_answer():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    answers = {k.split("/", 1)[1] for k in domain["responses"] if k.startswith("utter_faq/")}
    assert set(topic_titles()) == answers
    contract = (ROOT.parent / "shared" / "assistant-contract.md")
    if contract.exists():
        for topic in answers:
            assert f"| {topic} |" in contract.read_text()


def test_two_close_faq_topics_are_both_offered_best_first():
    options = candidate_options(
        parse([("faq", 0.9), ("greet", 0.05)], [("pain", 0.45), ("pain_relief", 0.40)]),
        topic_titles(),
    )
    assert [o.payload for o in options] == [
        '/choose_faq{"faq_topic": "pain"}',
        '/choose_faq{"faq_topic": "pain_relief"}',
    ]
    assert options[0].title == "Whether the massage hurts"


def test_offers_booking_next_to_a_faq_topic_and_never_smalltalk():
    options = candidate_options(
        parse([("book_consultation", 0.4), ("faq", 0.35), ("greet", 0.2)],
              [("consultation", 0.9)]),
        topic_titles(),
    )
    assert [o.title for o in options] == ["Book a free consultation", "The free consultation"]


def test_at_most_three_options_and_no_weak_ones():
    options = candidate_options(
        parse([("faq", 1.0)], [("sleep", 0.3), ("pain", 0.3), ("types", 0.2),
                               ("cost", 0.15), ("results", 0.01)]),
        topic_titles(),
    )
    assert len(options) == 3
    assert all(o.score >= 0.05 for o in options)


def test_nothing_plausible_means_no_options():
    assert candidate_options(parse([("greet", 0.3), ("out_of_scope", 0.2)]), topic_titles()) == []
    assert candidate_options({}, topic_titles()) == []


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_consecutive_misses_counts_only_the_latest_run():
    bot = {"event": "bot", "text": "..."}
    assert consecutive_misses([]) == 0
    assert consecutive_misses([user("nlu_fallback"), bot]) == 1
    assert consecutive_misses([user("nlu_fallback"), bot, user("nlu_fallback"), bot]) == 2
    assert consecutive_misses([user("nlu_fallback"), user("greet"), user("nlu_fallback")]) == 1


def test_valid_topic():
    assert valid_topic("clothing", topic_titles()) == "clothing"
    assert valid_topic("<script>", topic_titles()) is None
    assert valid_topic(None, topic_titles()) is None
