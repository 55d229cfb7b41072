"""Each FAQ topic's question gets exactly that topic's answer from the domain."""

import re
import uuid

import pytest
import yaml

from tests.helpers import ROOT, domain, texts

pytestmark = pytest.mark.server

STORIES = yaml.safe_load((ROOT / "tests/conversations/test_faq.yml").read_text())[
    "stories"
]
DOMAIN = domain()


def cases():
    for story in STORIES:
        (user,) = [s for s in story["steps"] if "user" in s]
        yield pytest.param(
            user["user"].strip(), user["intent"].split("/")[1], id=user["intent"]
        )


@pytest.mark.parametrize("question, topic", list(cases()))
def test_question_gets_its_topics_answer(servers, question, topic):
    expected = DOMAIN["responses"][f"utter_faq/{topic}"][0]["text"]
    sender = uuid.uuid4().hex
    servers.say("hi", sender)  # the conversation's one-time notice comes first
    replies = texts(servers.say(question, sender))
    # the whole answer, with clinic-fact placeholders ({clinic_city}) as wildcards
    pattern = ".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", expected))
    assert any(re.fullmatch(pattern, r, re.S) for r in replies), replies


def test_every_topic_of_the_contract_has_a_question():
    assert {c.values[1] for c in cases()} == {
        k.split("/")[1] for k in DOMAIN["responses"] if k.startswith("utter_faq/")
    }
