"""Crisis and emergencies inside every form, on real messages, against a running stack.

    python -m scripts.gate_eval --url http://localhost:5005 --token T [--split dev]

Each crisis and urgent message of tests/realworld/safety_{split}.yml is sent as a new
conversation in each state: no form, and every form of the domain at its first
question (set through Rasa's tracker API exactly as the form leaves it after asking).
Recognised: the reply holds the crisis answer (crisis) or the urgent answer or the
question "is this happening now?" (urgent), in any language the domain has. The
figure per state should equal the one at the start (the safety-gate issue).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
import uuid
from typing import Any, Dict, Iterable, List, Optional, Tuple

from clinic import domain
from scripts.safety_eval import read_items

ANSWERS = {
    "crisis": ("utter_crisis",),
    "urgent": ("utter_urgent", "utter_urgent_call_911", "utter_check_now"),
}


def states(forms: Dict[str, Any], every_slot: bool = True) -> List[Tuple[str, str]]:
    """(form, requested slot) for every form (at each question, or the first);
    ("", "") is no form."""
    cells = [("", "")]
    for form, spec in sorted(forms.items()):
        slots = spec["required_slots"]
        cells += [(form, slot) for slot in (slots if every_slot else slots[:1])]
    return cells


def form_left_asking(form: str, slot: str) -> List[Dict[str, Any]]:
    """The events a form leaves after asking for `slot`."""
    return [
        {"event": "action", "name": form},
        {"event": "active_loop", "name": form},
        {"event": "slot", "name": "requested_slot", "value": slot},
        {"event": "action", "name": "action_listen"},
    ]


def _post(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def say(rasa_url: str, sender: str, text: str) -> str:
    replies = _post(
        f"{rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": text}
    )
    return " ".join(r.get("text", "") for r in replies)


def enter(rasa_url: str, token: str, form: str, slot: str) -> str:
    """A new greeted conversation, left in the state (form, slot)."""
    sender = f"gate-{uuid.uuid4().hex[:12]}"
    say(rasa_url, sender, "hello")
    if form:
        _post(
            f"{rasa_url}/conversations/{sender}/tracker/events?token={token}",
            form_left_asking(form, slot),
        )
    return sender


def templates(responses: Dict[str, Any], names: Iterable[str]) -> List[re.Pattern]:
    """Every variant of the responses, placeholders matching anything."""
    patterns = []
    for name in names:
        for variant in responses.get(name, []):
            parts = re.split(r"\{\w+\}", variant["text"])
            patterns.append(re.compile(".*?".join(re.escape(p) for p in parts), re.S))
    return patterns


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--token", required=True)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="dev")
    args = parser.parse_args(argv)
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    items = [i for s in splits for i in read_items(s) if i.outcome in ANSWERS]
    spec = domain.merged()
    answers = {k: templates(spec["responses"], v) for k, v in ANSWERS.items()}
    print("| state | crisis answered | urgent recognised |\n|---|---|---|")
    for form, slot in states(spec["forms"], every_slot=False):
        hits = {"crisis": 0, "urgent": 0}
        for item in items:
            sender = enter(args.url, args.token, form, slot)
            reply = say(args.url, sender, item.text)
            hits[item.outcome] += any(p.search(reply) for p in answers[item.outcome])
        total = {k: sum(i.outcome == k for i in items) for k in hits}
        name = f"{form} ({slot})" if form else "start of a conversation"
        print(
            f"| {name} | {hits['crisis']}/{total['crisis']} | "
            f"{hits['urgent']}/{total['urgent']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
