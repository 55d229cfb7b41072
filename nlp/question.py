"""Where the question of a message is.

Real messages tell a story first and ask at the end ("I'm training for a marathon and
my calves... can massage help?"): the question says what they want, so the encoder
reads it first when a message is too long to read whole (nlp/minilm.py).
"""

from __future__ import annotations

import re
from typing import Tuple

QUESTION_STARTS = frozenset(
    {
        "how", "what", "whats", "what's", "can", "could", "do", "does", "is", "are",
        "will", "would", "should", "where", "when", "why", "who", "which", "any",
        "anyone", "may", "am", "did", "have", "has",
    }
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+|\n+")


def question_span(text: str) -> Tuple[int, int]:
    """From the first question sentence to the end of the last one; the last sentence
    when none asks; all of a one-sentence message."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    spans = [(a, b) for a, b in spans if text[a:b].strip()]
    if len(spans) <= 1:
        return 0, len(text)
    asking = [
        (a, b)
        for a, b in spans
        if text[a:b].rstrip().endswith("?")
        or text[a:b].strip().split(" ", 1)[0].lower().strip(",") in QUESTION_STARTS
    ]
    if not asking:
        return spans[-1]
    return asking[0][0], asking[-1][1]


# a question clause at the end of the last sentence: "..., can I still come in?"
_TRAILING_QUESTION = re.compile(
    r"[,;:-]\s*(?:(?:so|but|and|or|just wondering|wondering)\s+)?"
    r"(?:" + "|".join(sorted(QUESTION_STARTS, key=len, reverse=True)) + r")\b"
    r"[^,;:]*\?\s*$",
    re.IGNORECASE,
)


def story_part(text: str) -> str:
    """The message without the question it ends with: what happened. A story that
    ends "..., can I still come for my massage?" reads, to the emergency net, like
    an ordinary question about massage; without it, like what it is. The whole text
    when nothing would be left."""
    start, end = question_span(text)
    if (start, end) != (0, len(text)):
        rest = " ".join((text[:start] + " " + text[end:]).split())
        if rest:
            return rest
    match = _TRAILING_QUESTION.search(text)
    if match and text[: match.start()].strip():
        return text[: match.start()].strip()
    return text
