"""The conversation's health memory: what every message so far said, as condition ids.

The NLU pipeline reads each message for the clinic's list (nlp/health_reader.py) and
stores the ids under `health` in the message's parse data. The memory is those
readings merged oldest first, by the one merge rule (findings.py, `merged`): a later
"I'm not pregnant" settles an earlier "maybe pregnant"; a condition once affirmed
stays affirmed. This module adds what the screen's own questions
establish. The screen starts from it, the booking and "Did you mean" consult it.
Plain data in, plain data out: no Rasa here.
"""

from __future__ import annotations

from typing import Iterable, List

from clinic.screening.conditions import red_flags
from clinic.screening.findings import Findings


def established(
    present: Iterable[str] = (), unsure: Iterable[str] = (), absent: Iterable[str] = ()
) -> Findings:
    """What the screen's own questions established, as a reading: emergency signs
    among the ids count as urgent."""
    red = {c.id for c in red_flags()}
    present = set(present)
    return Findings(
        present=present - red,
        unsure=set(unsure),
        absent=set(absent),
        urgent=present & red,
    ).settle()


def new_flags(before: Findings, after: Findings) -> List[str]:
    """Contraindications `after` flags that `before` did not (sorted)."""
    return sorted(after.flagged - before.flagged)
