"""Staff testing in the terminal: the README's command, typed as printed, in a real
pseudo-terminal, next to a running stack (as `make run` would be)."""

from __future__ import annotations

import os
import re
from typing import Dict

import pexpect
import pytest

from tests.helpers import ROOT, free_port

pytestmark = pytest.mark.server

PROMPT = (
    r"Your\W*(?:\x1b\[[0-9;?]*[A-Za-z]\W*)*input"  # styled: escape codes between words
)
APOLOGY = "Sorry, something went wrong on our side"


def readme_staff_command() -> str:
    """The first command of the README's staff-testing block, exactly as printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Staff testing in a terminal") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return block.splitlines()[0].split("#")[0].strip()


def spawn(command: str, env: Dict[str, str]) -> pexpect.spawn:
    return pexpect.spawn(
        "/bin/bash",
        ["-c", command],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 1000),
    )


def make_run_environment(servers, **changes: str) -> Dict[str, str]:
    """The user's environment plus the settings `make run` was started with (ports and
    data folder); nothing the launcher itself would set."""
    return {**os.environ, **servers.stack.settings.as_environment(), **changes}


def test_the_readme_staff_command_answers_a_faq_question(servers):
    command = readme_staff_command()
    assert command == "make shell"
    shell = spawn(command, make_run_environment(servers))
    try:
        shell.expect(PROMPT)
        shell.sendline("how long is a session?")
        shell.expect("60 to 90 minutes", timeout=60)
    finally:
        shell.close(force=True)


def test_the_shell_gets_the_servers_patches_an_apology_when_actions_are_down(servers):
    """The action server is unreachable: the shell, like the server, says it is our
    fault instead of Rasa's "I couldn't work out what to do next"."""
    shell = spawn(
        readme_staff_command(),
        make_run_environment(servers, ACTION_PORT=str(free_port())),
    )
    try:
        shell.expect(PROMPT)
        shell.sendline("is massage safe for me?")
        shell.expect(APOLOGY, timeout=60)
    finally:
        shell.close(force=True)
