"""The review inbox in the terminal: label what the assistant could not answer.

    python -m services.staff review              # one item at a time
    python -m services.staff review --list       # the pending items, one a line
    python -m services.staff review --new-topics # items labelled "new topic"
    python -m services.staff review --export     # rewrite data/nlu/reviewed.yml

Each labelled item goes into data/nlu/reviewed.yml (the clinic's own patients'
wording); `make train` then retrains with it. Where the clinic has set a staff token
(CLINIC_STAFF_TOKEN), the command runs only with it (`--token`).
"""

from __future__ import annotations

import argparse
import hmac
from pathlib import Path
from typing import Callable, List, Optional, TextIO

import yaml

from clinic import clock, domain
from clinic.booking.store import BookingStore
from clinic.review import NEW_TOPIC, OUT_OF_SCOPE, Item, ReviewInbox
from clinic.settings import settings

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = ROOT / "data" / "nlu" / "reviewed.yml"
NOT_OFFERED = {"nlu_fallback", "faq", "inform"}


def labels() -> List[str]:
    """What an item can be labelled: a FAQ topic, an intent, out of scope, new topic."""
    intents: List[str] = []
    for intent in domain.merged().get("intents") or []:
        name = intent if isinstance(intent, str) else next(iter(intent))
        if name not in NOT_OFFERED and name not in intents:
            intents.append(name)
    topics = yaml.safe_load((ROOT / "clinic" / "faq_questions.yml").read_text())
    return [f"faq/{t}" for t in topics] + intents + [NEW_TOPIC]


def line(item: Item) -> str:
    guesses = ", ".join(f"{label} {score:.2f}" for label, score in item.guesses)
    return (
        f"#{item.id}  {item.created_at:%Y-%m-%d %H:%M}  {item.channel}  {item.reason}  "
        f"{item.text!r}  guesses: {guesses or '-'}"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="pending items, one a line")
    parser.add_argument("--new-topics", action="store_true")
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--token", help="the staff token, where the clinic set one")
    parser.add_argument("--out", type=Path, default=REVIEWED, help=argparse.SUPPRESS)


def run(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    ask: Callable[[str], str] = input,
    store: Optional[BookingStore] = None,
) -> int:
    expected = settings().staff_token or ""
    if expected and not hmac.compare_digest(
        (args.token or "").encode(), expected.encode()
    ):
        err.write("Refused: this clinic reviews with a staff token (--token).\n")
        return 2
    inbox = ReviewInbox(store or BookingStore())
    if args.list:
        pending = inbox.items()
        out.write("".join(line(i) + "\n" for i in pending) or "Nothing to review.\n")
        return 0
    if args.new_topics:
        topics = inbox.new_topics()
        out.write("".join(f"{i.text}\n" for i in topics) or "No new topics.\n")
        return 0
    if args.export:
        count = inbox.export(args.out)
        out.write(f"Wrote {count} example(s) to {args.out}. Retrain: make train\n")
        return 0
    return review(inbox, args.out, out, ask)


def review(
    inbox: ReviewInbox, target: Path, out: TextIO, ask: Callable[[str], str]
) -> int:
    known = labels()
    pending = inbox.items()
    if not pending:
        out.write("Nothing to review.\n")
        return 0
    done = 0
    for index, item in enumerate(pending):
        left = len(pending) - index
        text = item.text
        out.write(f"\n[{left} to review] {text!r}\n  ({item.reason}, {item.channel})\n")
        # only guesses staff can pick (an `inform` guess is no label for free text)
        choices = [(label, score) for label, score in item.guesses if label in known]
        for number, (label, score) in enumerate(choices, 1):
            out.write(f"  {number}) {label}  {score:.2f}\n")
        while True:
            answer = ask(
                "Label (a number above, a FAQ topic like faq/clothing, an intent, "
                f"{OUT_OF_SCOPE}, {NEW_TOPIC}); e: edit the text; s: skip; q: quit > "
            ).strip()
            if answer == "q":
                return finish(inbox, target, done, out)
            if answer == "s":
                break
            if answer == "e":
                text = ask("Text without anything identifying > ").strip() or text
                continue
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                answer = choices[int(answer) - 1][0]
            if answer not in known:
                out.write(f"  Unknown label {answer!r}.\n")
                continue
            inbox.label(
                item.id, answer, clock.now(), None if text == item.text else text
            )
            done += 1
            break
    return finish(inbox, target, done, out)


def finish(inbox: ReviewInbox, target: Path, done: int, out: TextIO) -> int:
    if done:
        count = inbox.export(target)
        out.write(
            f"\nLabelled {done}. {target} now holds {count} example(s): "
            "run `make train`.\n"
        )
    topics = inbox.new_topics()
    if topics:
        out.write("New topics waiting for an answer from the clinic:\n")
        out.write("".join(f"  - {i.text}\n" for i in topics))
    return 0
