"""Every text the repo holds, read by the screen's matcher, to compare two versions.

    python -m scripts.screen_readings dump before.json     # on the old version
    python -m scripts.screen_readings dump after.json      # on the new one
    python -m scripts.screen_readings compare before.json after.json

The texts: training examples (data/), the team's held-out and adversarial cases, the
phrasings, and every real-world split (tests/). A change to the matcher or its lists
that should keep outcomes is checked this way on all of them (docs/screen.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("data/**/*.yml", "tests/**/*.yml")


def _texts(node: Any) -> Iterator[str]:
    """`text:` values and the lines of NLU `examples:` blocks, anywhere in a file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "examples" and isinstance(value, str):
                for line in value.splitlines():
                    if line.strip().startswith("- "):
                        yield line.strip()[2:].strip()
            elif key == "text" and isinstance(value, str):
                yield value.strip()
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def held_texts() -> Dict[str, None]:
    texts: Dict[str, None] = {}
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            for text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
                if text:
                    texts[text] = None
    return texts


def dump(out: Path) -> int:
    from clinic.screening.matcher import find_conditions

    readings = {}
    for text in held_texts():
        reading = find_conditions(text).as_dict()
        reading.pop("likely", None)  # the net's, not the matcher's
        readings[text] = reading
    out.write_text(json.dumps(readings, indent=0, sort_keys=True))
    print(f"{len(readings)} texts read into {out}")
    return 0


def compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    changed = [t for t in old if t in new and old[t] != new[t]]
    for text in changed:
        print(f"- {text[:160]!r}\n    before {old[text]}\n    after  {new[text]}")
    print(f"{len(changed)} of {len(set(old) & set(new))} readings changed")
    return 1 if changed else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.screen_readings")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    both = sub.add_parser("compare")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        return dump(args.out)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
