"""The Rasa server's entry point: Rasa's own command line, after this project's patches.

`python -m server run ...` and `python -m server shell ...` take exactly the arguments
of `rasa run` and `rasa shell`; services/launch.py builds them. Two things differ from
typing `rasa` directly:
- every change this project makes to Rasa's internals (server/patches.py) is in place
  before Rasa starts, in the server and in the staff shell alike;
- the HTTP API token is read from RASA_API_TOKEN in the environment, so it never appears
  on a command line, where `ps` would show it to every user of the machine.
"""

from __future__ import annotations

import os
import sys
from typing import List


def rasa_arguments(argv: List[str], token: str) -> List[str]:
    """`rasa` arguments: the API token added to every `run` (it guards the HTTP API
    whenever the launcher enables it, and is unused otherwise)."""
    if token and argv[:1] == ["run"]:
        return [*argv, f"--auth-token={token}"]  # "=": a token may start with "-"
    return list(argv)


def main() -> None:
    from server import patches

    patches.apply()
    sys.argv = [
        "rasa",
        *rasa_arguments(sys.argv[1:], os.environ.get("RASA_API_TOKEN", "")),
    ]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
