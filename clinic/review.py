"""The review inbox: what the assistant could not answer, for staff to label, and the
labelled wording exported as training data (data/nlu/reviewed.yml).

An item is the patient's message, the assistant's best 3 guesses with their scores, the
channel and the time; it is made at a fallback ("Did you mean ...?"), a second miss in
a row, and when a patient says a FAQ answer did not help; it is marked when the
patient asks for a person right after a miss. It never holds the
sender's contact or id (a keyed pseudonym only, so "forget me" finds it); contacts in
the text are replaced by [contact], and a named health condition by its condition id,
[condition:pregnancy], unless clinic.yml's `review: {redact_conditions: false}` says
otherwise. Text and guesses are encrypted at rest like the conversations; retention
applies as to bookings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Pattern, Tuple

import sqlalchemy as sa
import yaml

from clinic import crypto
from clinic.booking.store import BookingStore, review_items
from clinic.labels import ranked_labels

NEW_TOPIC = "new_topic"
OUT_OF_SCOPE = "out_of_scope"
REASONS = ("fallback", "second_miss", "handoff_after_miss", "not_helpful")
HEADER = """\
# The clinic's own patients' wording: messages the assistant could not answer,
# labelled by staff in the review inbox (`make staff ARGS=review`). Written by the
# staff tool: edit the labels there, not here. `make train` retrains with it.
"""
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{7,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Item:
    id: int
    reason: str
    text: str
    guesses: List[Tuple[str, float]]
    channel: str
    created_at: datetime
    status: str
    label: Optional[str]


def best_guesses(parse_data: Mapping[str, Any], n: int = 3) -> List[Tuple[str, float]]:
    """The n most likely labels and their scores (clinic/labels.py)."""
    return [(label, round(score, 3)) for label, score in ranked_labels(parse_data)[:n]]


@lru_cache(maxsize=1)
def _condition_phrases() -> List[Tuple[Pattern[str], str]]:
    from clinic.screening.conditions import all_conditions, crisis_list

    found: List[Tuple[str, str]] = [(p, "crisis") for p in crisis_list().phrases]
    for condition in all_conditions():
        for phrase in {
            condition.id.replace("_", " "),
            *condition.phrases,
            *condition.exact,
        }:
            if phrase:
                found.append((phrase, f"condition:{condition.id}"))
    found.sort(key=lambda pair: len(pair[0]), reverse=True)  # longest first
    return [
        (
            re.compile(
                rf"(?i)(?<![a-z0-9]){re.escape(phrase)}(?:s|es|ed|ing)?(?![a-z0-9])"
            ),
            label,
        )
        for phrase, label in found
    ]


def for_staff(text: str, redact_conditions: bool = True) -> str:
    """The text as staff may see it: no contact, and a named condition as its id."""
    text = _PHONE.sub("[contact]", _EMAIL.sub("[contact]", text))
    if redact_conditions:
        for pattern, label in _condition_phrases():
            text = pattern.sub(f"[{label}]", text)
    return text


class ReviewInbox:
    def __init__(self, store: BookingStore) -> None:
        self.store = store

    def add(
        self,
        sender_key: str,
        reason: str,
        text: str,
        guesses: Iterable[Tuple[str, float]],
        channel: str,
        now: datetime,
        redact_conditions: bool = True,
    ) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown review reason {reason!r}")
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.begin() as conn:
            conn.execute(
                review_items.insert().values(
                    sender_key=sender_key,
                    reason=reason,
                    text=crypto.encrypt(for_staff(text, redact_conditions)),
                    guesses=crypto.encrypt(json.dumps(list(guesses))),
                    channel=channel[:32],
                    created_at=now.astimezone(timezone.utc),
                    status="pending",
                )
            )

    def mark_latest(self, sender_key: str, reason: str) -> bool:
        """The sender's newest pending item gets a stronger reason (a handoff after a
        miss); False when there is none."""
        self.store.ensure_schema()
        with self.store.guard(), self.store.engine.begin() as conn:
            newest = conn.execute(
                sa.select(sa.func.max(review_items.c.id)).where(
                    review_items.c.sender_key == sender_key,
                    review_items.c.status == "pending",
                )
            ).scalar()
            if newest is None:
                return False
            conn.execute(
                review_items.update()
                .where(review_items.c.id == newest)
                .values(reason=reason)
            )
        return True

    def items(self, status: Optional[str] = "pending") -> List[Item]:
        self.store.ensure_schema()
        query = review_items.select().order_by(review_items.c.created_at)
        if status:
            query = query.where(review_items.c.status == status)
        with self.store.guard(), self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Item(
                r.id,
                r.reason,
                crypto.decrypt(r.text),
                [tuple(g) for g in json.loads(crypto.decrypt(r.guesses))],
                r.channel,
                r.created_at,
                r.status,
                r.label,
            )
            for r in rows
        ]

    def label(
        self, item_id: int, label: str, now: datetime, text: Optional[str] = None
    ) -> None:
        """Staff's label (a FAQ topic, an intent, out_of_scope or new_topic), and the
        text as they edited it (anything identifying taken out)."""
        values: Dict[str, Any] = {
            "status": "labelled",
            "label": label,
            "reviewed_at": now.astimezone(timezone.utc),
        }
        if text is not None:
            values["text"] = crypto.encrypt(for_staff(text, redact_conditions=False))
        with self.store.guard(), self.store.engine.begin() as conn:
            conn.execute(
                review_items.update()
                .where(review_items.c.id == item_id)
                .values(**values)
            )

    def new_topics(self) -> List[Item]:
        return [i for i in self.items("labelled") if i.label == NEW_TOPIC]

    def export(self, path: Path) -> int:
        """Write every labelled item (but new topics) as Rasa NLU training data; the
        number of examples written."""
        by_label: Dict[str, List[str]] = {}
        for item in self.items("labelled"):
            if item.label and item.label != NEW_TOPIC:
                texts = by_label.setdefault(item.label, [])
                if item.text not in texts:
                    texts.append(item.text)
        blocks = [
            {"intent": label, "examples": "".join(f"- {t}\n" for t in texts)}
            for label, texts in sorted(by_label.items())
        ]
        body = yaml.dump(
            {"version": "3.1", "nlu": blocks},
            Dumper=_LiteralDumper,
            sort_keys=False,
            allow_unicode=True,
            width=1000,
        )
        path.write_text(HEADER + body, encoding="utf-8")
        return sum(len(t) for t in by_label.values())


class _LiteralDumper(yaml.SafeDumper):
    """Examples as a literal block (`examples: |`), as Rasa's own files write them."""


def _literal(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)
