"""What Rasa's training cache cannot see: the code and files a component's output
depends on.

Rasa reuses a trained component, or a featurizer's output, when its config and its
input data are unchanged; it does not look at the code, nor at a model file read from
build/. A component adds this fingerprint to Rasa's (`fingerprint_addon`), so a change
to either retrains it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

NLP = Path(__file__).resolve().parent


def files_fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()


def sources(*modules: str) -> list[Path]:
    """The source files of these nlp/ modules."""
    return [NLP / f"{name}.py" for name in modules]
