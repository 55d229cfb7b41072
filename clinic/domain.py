"""The domain's files read as one (domain/*.yml), as Rasa merges the folder: the one
reader for code that needs the domain outside Rasa (the reminder sender's texts, the
input guard's intent names, the staff's labels, the tests' wording)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet

import yaml

DOMAIN_DIR = Path(__file__).resolve().parent.parent / "domain"


@lru_cache(maxsize=1)
def merged() -> Dict[str, Any]:
    """Sections merged over the files: mappings updated, lists extended."""
    result: Dict[str, Any] = {}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        for key, value in (yaml.safe_load(path.read_text("utf-8")) or {}).items():
            if isinstance(value, dict):
                result.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                result.setdefault(key, []).extend(value)
            else:
                result[key] = value
    return result


def names(section: str) -> FrozenSet[str]:
    """The names a list section (intents, entities, actions) holds."""
    return frozenset(
        item if isinstance(item, str) else next(iter(item))
        for item in merged().get(section) or []
    )


def responses() -> Dict[str, Any]:
    return dict(merged().get("responses") or {})
