"""The one ranking of what a message may mean, from Rasa's parse data (pure).

Intents by their confidence, and FAQ topics as "faq/<topic>", scored P(faq) x
P(topic | faq). "Did you mean" (clinic/clarification.py), the review inbox's guesses
(clinic/review.py) and the evaluation's top-3 (scripts/nlu_eval.py) all read it.
Routes the pipeline sets itself (the fallback, the health reader's note and its
question) are not meanings and are left out.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

FAQ = "faq"
NOT_MEANINGS = frozenset({"nlu_fallback", "health_mention", "possible_emergency"})


def label_scores(parse_data: Mapping[str, Any]) -> Dict[str, float]:
    """Every label the parse ranks, with its score."""
    scores: Dict[str, float] = {}
    selector = (parse_data.get("response_selector") or {}).get(FAQ) or {}
    topics = selector.get("ranking") or []
    for intent in parse_data.get("intent_ranking") or []:
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if not name or name in NOT_MEANINGS:
            continue
        if name == FAQ and topics:
            for topic in topics:
                key = str(topic.get("intent_response_key") or "")
                score = confidence * float(topic.get("confidence") or 0.0)
                scores[key] = max(scores.get(key, 0.0), score)
        else:
            scores[name] = max(scores.get(name, 0.0), confidence)
    return scores


def ranked_labels(parse_data: Mapping[str, Any]) -> List[Tuple[str, float]]:
    """The labels, most likely first."""
    return sorted(label_scores(parse_data).items(), key=lambda kv: kv[1], reverse=True)
