"""Staff testing in `rasa shell`, driven through a pseudo-terminal like a person."""
import os

import pexpect
import pytest

from tests.helpers import ROOT, VENV_BIN, free_port

pytestmark = pytest.mark.server


PROMPT = r"Your\W*(?:\x1b\[[0-9;?]*[A-Za-z]\W*)*input"  # styled: escape codes between words


def test_rasa_shell_short_faq_exchange(servers, model_path):
    env = dict(os.environ, ACTION_SERVER_URL=servers.action_url,
               TRACKER_DATABASE_URL=f"sqlite:///{servers.log_dir / 'shell.sqlite'}", TF_CPP_MIN_LOG_LEVEL="2",
               RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    shell = pexpect.spawn(
        str(VENV_BIN / "rasa"),
        ["shell", "--model", str(model_path), "--endpoints", "endpoints.yml",
         "--port", str(free_port())],
        cwd=str(ROOT), env=env, encoding="utf-8", timeout=120, dimensions=(50, 1000),
    )
    try:
        shell.expect(PROMPT)
        # answers without buttons: after buttons, rasa shell shows a choice menu instead
        shell.sendline("does the massage hurt?")
        shell.expect("shouldn't be painful", timeout=60)
        shell.expect(PROMPT)
        shell.sendline("are there any side effects afterwards?")
        shell.expect("tired or sore afterwards", timeout=60)
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        shell.close(force=True)
