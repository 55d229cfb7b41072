"""The safety gate's one list: what comes before anything else answers a message.

Every message, in every dialogue state (a form at any of its questions, after any
question the assistant asked, on any channel, in any language), is checked against
these routes, in this order, before any rule, form or FAQ answers it. The Rasa side
applies them with one policy (server/safety_gate.py); tests cross them with every
state the domain has (tests/integration/test_safety_gate.py). A new form needs no entry
here: the gate reads the active form from the conversation.

Order matters:
1. crisis (self-harm, suicidal thoughts, a lethal dose asked about): 988, 911, a person;
2. an emergency sign the clinic's list reads happening now: urgent care, 911;
3. the answer to the pending "is this happening now?" question, read by the one
   reader of yes / no / not sure (clinic/answers.py): before the classifier's intent,
   which read "Yes, it's happening now" as "not happening";
4. the emergency net's question, where the list reads no sign but the net finds an
   emergency likely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class Route:
    """One way a message leaves whatever the conversation was doing."""

    name: str
    action: str  # what answers it (a domain response or a custom action)
    intent: Optional[str] = None  # the message's intent that takes it; None: the
    # pending "happening now?" question takes it


# the actions that ask "is this happening now?" (the first time, and once again when
# the answer could not be read)
NOW_QUESTION_ACTIONS = ("action_check_now", "action_now_answer")

ROUTES: Tuple[Route, ...] = (
    Route("crisis", "utter_crisis", intent="crisis"),
    Route("emergency", "action_urgent_care", intent="emergency"),
    Route("now_answer", "action_now_answer"),
    Route("now_question", "action_check_now", intent="possible_emergency"),
)
SAFETY_INTENTS = tuple(r.intent for r in ROUTES if r.intent)
# after these the patient's turn comes (the gate predicts listening); any other action
# a route leads to (carrying on with a form, an answer) is left to the rules
ENDS_TURN = frozenset(
    {r.action for r in ROUTES} | {"action_urgent_care", "utter_crisis"}
)


def route_for(intent: Optional[str], question_pending: bool) -> Optional[Route]:
    """The route a message takes, or None when nothing safety-related applies.

    `question_pending`: the assistant's last turn asked "is this happening now?" and
    this message is the patient's reply."""
    for route in ROUTES:
        if route.intent is None:
            if question_pending:
                return route
        elif route.intent == intent:
            return route
    return None
