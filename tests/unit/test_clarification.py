"""What "Did you mean ...?" offers, and when the assistant gives up and offers a
person."""

from clinic.clarification import candidate_options, consecutive_misses, topic_questions
from tests.helpers import ROOT, domain


def parse(intents, topics=()):
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}]
        + [{"name": n, "confidence": c} for n, c in intents],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{t}", "confidence": c}
                    for t, c in topics
                ]
            }
        },
    }


def test_every_contract_topic_has_a_question_and_an_answer():
    merged = domain()
    answers = {
        k.split("/", 1)[1] for k in merged["responses"] if k.startswith("utter_faq/")
    }
    assert set(topic_questions()) == answers
    contract = (ROOT / "docs" / "assistant-contract.md").read_text()
    for topic in answers:
        assert f"| {topic} |" in contract


def test_two_close_faq_topics_are_both_offered_best_first():
    options = candidate_options(
        parse([("faq", 0.9), ("greet", 0.05)], [("pain", 0.45), ("pain_relief", 0.40)]),
        topic_questions(),
    )
    assert [o.payload for o in options] == [
        "Does the massage hurt?",
        "Can it help with back or neck pain?",
    ]
    # the button sends the question it shows, so it also works as typed SMS text
    assert all(o.title == o.payload for o in options)


def test_offers_booking_next_to_a_faq_topic_and_no_smalltalk_runner_up():
    options = candidate_options(
        parse(
            [("book_consultation", 0.4), ("faq", 0.35), ("greet", 0.2)],
            [("consultation", 0.9)],
        ),
        topic_questions(),
    )
    assert [o.title for o in options] == [
        "Book a free consultation",
        "How does the free consultation work?",
    ]


def test_at_most_three_options_and_no_weak_ones():
    options = candidate_options(
        parse(
            [("faq", 1.0)],
            [
                ("sleep", 0.3),
                ("pain", 0.3),
                ("types", 0.2),
                ("cost", 0.15),
                ("results", 0.01),
            ],
        ),
        topic_questions(),
    )
    assert len(options) == 3
    assert all(o.score >= 0.05 for o in options)


def test_nothing_plausible_means_no_options():
    assert candidate_options(parse([("out_of_scope", 0.6)]), topic_questions()) == []
    assert candidate_options({}, topic_questions()) == []


def test_half_recognised_chat_is_offered_as_the_best_guess():
    options = candidate_options(
        parse([("out_of_scope", 0.4), ("greet", 0.3)]), topic_questions()
    )
    # the best guess first; the catch-all "Something else" always last
    assert [o.title for o in options] == ["Just saying hello", "Something else"]
    # the same chat as a runner-up next to a clinic question is left out
    options = candidate_options(
        parse([("faq", 0.5), ("stop", 0.3)], [("cost", 0.9)]), topic_questions()
    )
    assert [o.title for o in options] == ["How much does it cost?"]


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_consecutive_misses_counts_only_the_latest_run():
    bot = {"event": "bot", "text": "..."}
    assert consecutive_misses([]) == 0
    assert consecutive_misses([user("nlu_fallback"), bot]) == 1
    assert (
        consecutive_misses([user("nlu_fallback"), bot, user("nlu_fallback"), bot]) == 2
    )
    assert (
        consecutive_misses([user("nlu_fallback"), user("greet"), user("nlu_fallback")])
        == 1
    )
