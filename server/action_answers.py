"""Rasa's check of an action server's answer, compiled once and read by event type.

Rasa checks every answer against one JSON schema whose event items are a `oneOf` of
23 event types. A general validator tries each of the 23 on each event (a session
start sends a dozen slot events: about 7 ms of the server's CPU even compiled). Every
branch of that `oneOf` fixes `event` to its own constant, so exactly one branch can
match an event: the one named by its `event`. This check validates the answer
without the `oneOf`, then each event against that one branch, with fastjsonschema.
Same verdicts as the whole schema (tests/unit/test_action_response_check.py); if a
Rasa release changes the schema's shape, `compile_check` returns None and the caller
uses jsonschema alone.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Optional

import fastjsonschema
from fastjsonschema import JsonSchemaException


def _branch_event(branch: Dict[str, Any]) -> Optional[str]:
    event = branch.get("properties", {}).get("event", {})
    return event.get("const") if isinstance(event, dict) else None


def compile_check(schema: Dict[str, Any]) -> Optional[Callable[[Any], bool]]:
    """A function telling whether an answer satisfies `schema`, or None when the
    schema is not of the shape described above."""
    whole = copy.deepcopy(schema)
    try:
        items = whole["properties"]["events"]["items"]
        branches = items.pop("oneOf")
    except (KeyError, TypeError):
        return None
    names = [_branch_event(branch) for branch in branches]
    if (
        None in names
        or len(set(names)) != len(names)
        or "event" not in items.get("required", [])
    ):
        return None
    answer_check = fastjsonschema.compile(whole)
    event_checks = {
        name: fastjsonschema.compile(branch)
        for name, branch in zip(names, branches, strict=True)
    }

    def check(answer: Any) -> bool:
        try:
            answer_check(answer)
            for event in answer.get("events") or ():
                event_check = event_checks.get(event["event"])
                if event_check is None:
                    return False
                event_check(event)
        except JsonSchemaException:
            return False
        return True

    return check
