"""Messages in other languages (tests/realworld/languages_{dev,test}.yml), through the
running assistant's /model/parse: recognised and answered in their language where the
domain has the text, never given an English answer to a question not understood; and
English messages, look-alikes with foreign words included, stay English.

The dev split chose the language guard's settings (config.yml); the test split is
reported by `make bench`. Bars at the measured dev figures (docs/nlu.md, "Other
languages").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scripts.language_eval import evaluate, misrouted, read_items
from scripts.nlu_eval import read_examples
from tests.helpers import ROOT

pytestmark = pytest.mark.server
SETS = ROOT / "tests" / "realworld"


@dataclass(frozen=True)
class LanguageBars:
    recognised: float  # of the messages in another language, at least
    english_answer: float  # of those, given an English answer instead, at most
    lookalikes_kept: float  # English look-alikes kept in English, at least


BARS = {
    # 2026-12-04: 63/72 recognised (58 in the right language), 4/72 English answers,
    # 19/20 look-alikes kept
    "dev": LanguageBars(0.87, 0.056, 0.95),
}
# The test split is reported by `make bench` only (2026-12-04: 59/67 recognised, 57 in
# the right language, 2/67 English answers, 20/20 look-alikes kept).


def test_messages_in_other_languages(servers, capsys):
    figures = evaluate(read_items("dev"), servers.parse)
    with capsys.disabled():
        print("\nlanguages, dev split:\n  " + "\n  ".join(figures.lines()))
    bars = BARS["dev"]
    assert figures.recognised / figures.foreign >= bars.recognised
    assert figures.english_answer / figures.foreign <= bars.english_answer
    assert figures.lookalikes_kept / figures.lookalikes >= bars.lookalikes_kept


def test_real_english_questions_and_stories_stay_english(servers):
    texts = [t for t, _ in read_examples(SETS / "nlu_dev.yml")]
    texts += [t for t, _ in read_examples(SETS / "screen_dev.yml")]
    wrong = misrouted(texts, servers.parse)
    # 2026-12-04: 1 of 2,035 ("I need help finding a dentist in El Sobrante": out of
    # scope either way). 2026-12-07, with the fifth and sixth collections in dev: 4 of
    # 2,320, three chat turns to other bots ("syonara, ai device!") and "Is cartilage
    # damage serious?" (the classifier's confidence fell from 0.92 to 0.64 when the
    # out-of-scope kinds came); the reply in another language still offers a person
    assert len(wrong) <= 4, (len(wrong), wrong)
