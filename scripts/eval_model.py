"""Held-out figures of a trained model file, in-process (no servers).

Used to compare pipeline variants (lemmatizer or not, DIET settings):
    python -m scripts.eval_model models/variant.tar.gz
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import structlog
from rasa.core.agent import Agent

from scripts.nlu_eval import ROOT, evaluate, read_examples


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    model = Path(sys.argv[1])
    heldout = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests/nlu/heldout.yml"
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    print(f"model: {model}")
    print(evaluate(read_examples(heldout), parse).summary())


if __name__ == "__main__":
    main()
