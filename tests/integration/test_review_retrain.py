"""The loop closes: a message the assistant does not understand, reviewed by staff in
the terminal, exported and retrained on, is understood. Trains the NLU part on a copy
of the data (about a minute); the repository's data/nlu/reviewed.yml is not touched."""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from clinic.booking.store import BookingStore
from clinic.review import ReviewInbox, best_guesses
from scripts.nlu_eval import agent_parser, labels_of
from services import review as review_tool
from services.launch import PYTHON
from tests.helpers import MODEL, ROOT

pytestmark = pytest.mark.server
QUESTION = "zorbly flumph quandoo"  # words no training example has
LABEL = "faq/sleep"


def test_a_reviewed_question_is_answered_right_after_retraining(tmp_path):
    before = agent_parser(MODEL)(QUESTION)
    assert labels_of(before)[1] != LABEL  # not understood today

    store = BookingStore(f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    inbox = ReviewInbox(store)
    now = datetime.now(timezone.utc)
    inbox.add("someone", "fallback", QUESTION, best_guesses(before), "socketio", now)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    parser = argparse.ArgumentParser()
    review_tool.add_arguments(parser)
    args = parser.parse_args(["--out", str(data / "nlu" / "reviewed.yml")])
    out = io.StringIO()
    assert (
        review_tool.run(args, out, io.StringIO(), ask=lambda _: LABEL, store=store) == 0
    )
    assert "run `make train`" in out.getvalue()

    subprocess.run(
        [
            str(PYTHON.parent / "rasa"),
            "train",
            "nlu",
            "--nlu",
            str(data / "nlu"),
            "--config",
            str(ROOT / "config.yml"),
            "--domain",
            str(ROOT / "domain"),
            "--out",
            str(tmp_path / "models"),
            "--fixed-model-name",
            "reviewed",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    after = agent_parser(tmp_path / "models" / "reviewed.tar.gz")(QUESTION)
    assert labels_of(after)[1] == LABEL
