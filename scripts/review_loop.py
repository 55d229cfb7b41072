"""Measure the review loop: does reviewing what the assistant missed make it better?
(Figures: docs/evaluation.md.)

    python -m scripts.review_loop          # writes reports/review_loop.md and .json

1. Starts the assistant through the launcher (its own ports and data folder) and
   replays the real patients' questions of the dev split (tests/realworld/nlu_dev.yml;
   never the test split) as conversations through REST, the path patients take. A
   question the assistant did not understand goes to the review inbox by itself (the
   fallback); one answered with the wrong FAQ answer is sent there by its "That didn't
   answer my question" button, as a patient would.
2. Labels every item in the inbox as a person would: with the set's label for that
   question, on the text the inbox shows (contacts and conditions already redacted).
3. Exports the labels (a copy of data/ plus reviewed.yml, in a temporary folder: the
   repository's data/nlu/reviewed.yml is not touched), retrains into a temporary model.
4. Reports "answered right" on the dev split, before and after, parsed in process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

from clinic import clock, keys
from clinic.booking.store import BookingStore
from clinic.privacy import pseudonym
from clinic.review import NEW_TOPIC, ReviewInbox
from scripts.loadtest import local_stack
from scripts.nlu_eval import agent_parser, evaluate, labels_of, read_examples
from services.launch import PYTHON, ROOT

DEV = ROOT / "tests" / "realworld" / "nlu_dev.yml"
MODEL = ROOT / "models" / "clinic.tar.gz"
NOT_HELPFUL = "/faq_unhelpful"


def http_json(url: str, body: Any) -> Tuple[int, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, None


def wrong_faq_answers(url: str, token: str, examples: List[Tuple[str, str]]) -> set:
    """The questions answered with a FAQ answer other than their own."""
    wrong = set()
    for text, label in examples:
        status, parse = http_json(f"{url}/model/parse?token={token}", {"text": text})
        if status != 200:
            continue
        _, answered = labels_of(parse)
        if answered.startswith("faq/") and answered != label:
            wrong.add(text)
    return wrong


def label_inbox(store: BookingStore, by_sender: Dict[str, str]) -> Dict[str, int]:
    """Label every pending item as a person would: the question's own label."""
    inbox = ReviewInbox(store)
    counts = {"labelled": 0, "new_topic": 0}
    for item in inbox.items():
        with store.engine.connect() as conn:
            key = conn.exec_driver_sql(
                "select sender_key from clinic_review_items where id = ?", (item.id,)
            ).scalar()
        label = by_sender.get(str(key))
        if label is None:
            continue
        inbox.label(item.id, label, clock.now())
        counts["new_topic" if label == NEW_TOPIC else "labelled"] += 1
    return counts


def retrain(reviewed: Path, out: Path) -> Path:
    """A copy of the project's data with reviewed.yml, trained into `out`."""
    copy = out / "training-data"
    shutil.copytree(ROOT / "data", copy)
    shutil.copy(reviewed, copy / "nlu" / "reviewed.yml")
    subprocess.run(
        [
            str(PYTHON.parent / "rasa"),
            "train",
            "--data",
            str(copy),
            "--domain",
            str(ROOT / "domain"),
            "--config",
            str(ROOT / "config.yml"),
            "--out",
            str(out),
            "--fixed-model-name",
            "reviewed",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out / "reviewed.tar.gz"


def main() -> int:
    examples = read_examples(DEV)
    work = Path(tempfile.mkdtemp(prefix="review-loop-"))
    started = time.monotonic()
    stack = local_stack(work)
    # this process reads what the stack wrote: the same pseudonyms and store key
    os.environ.update({k.env_var: stack.env[k.env_var] for k in keys.ALL})
    try:
        stack.start(web=False)
        wrong = wrong_faq_answers(stack.rasa_url, stack.token, examples)
        by_sender = replay_marking(stack.rasa_url, examples, wrong)
        store = BookingStore(f"sqlite:///{work / 'data' / 'clinic.sqlite'}")
        items = len(ReviewInbox(store).items())
        counts = label_inbox(store, by_sender)
        reviewed = work / "reviewed.yml"
        exported = ReviewInbox(store).export(reviewed)
    finally:
        stack.stop()
    before = evaluate(examples, agent_parser(MODEL))
    model = retrain(reviewed, work)
    after = evaluate(examples, agent_parser(model))
    figures: Dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "dev_questions": len(examples),
        "review_items": items,
        "labelled": counts,
        "exported_examples": exported,
        "answered_right_before": round(before.answered_accuracy, 3),
        "answered_right_after": round(after.answered_accuracy, 3),
        "fallback_before": round(before.fallback_rate, 3),
        "fallback_after": round(after.fallback_rate, 3),
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "review_loop.json").write_text(json.dumps(figures, indent=2))
    text = "\n".join(
        [
            "# The review loop, measured on the real-world dev split",
            "",
            "| figure | value |",
            "|---|---|",
            *(f"| {k.replace('_', ' ')} | {v} |" for k, v in figures.items()),
            "",
        ]
    )
    (reports / "review_loop.md").write_text(text)
    print(text)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def replay_marking(
    url: str, examples: List[Tuple[str, str]], wrong: set
) -> Dict[str, str]:
    """Replay every question; a wrong FAQ answer gets the "didn't answer" button."""
    senders: Dict[str, str] = {}
    for text, label in examples:
        sender = f"loop-{uuid.uuid4().hex}"
        senders[pseudonym(sender)] = label
        status, replies = http_json(
            f"{url}/webhooks/rest/webhook", {"sender": sender, "message": text}
        )
        offered = [
            b.get("payload") for m in replies or [] for b in m.get("buttons", [])
        ]
        if status == 200 and text in wrong and NOT_HELPFUL in offered:
            http_json(
                f"{url}/webhooks/rest/webhook",
                {"sender": sender, "message": NOT_HELPFUL},
            )
    return senders


if __name__ == "__main__":
    raise SystemExit(main())
