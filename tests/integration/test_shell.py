"""Staff testing in `rasa shell`, driven through a pseudo-terminal like a person."""
import os

import pexpect
import pytest

from tests.helpers import ROOT, VENV_BIN, free_port

pytestmark = pytest.mark.server


def test_rasa_shell_short_faq_exchange(servers, model_path):
    env = dict(os.environ, ACTION_SERVER_URL=servers.action_url, TF_CPP_MIN_LOG_LEVEL="2",
               RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    shell = pexpect.spawn(
        str(VENV_BIN / "rasa"),
        ["shell", "--model", str(model_path), "--endpoints", "endpoints.yml",
         "--port", str(free_port())],
        cwd=str(ROOT), env=env, encoding="utf-8", timeout=180, dimensions=(50, 200),
    )
    try:
        shell.expect("Your input ->")
        shell.sendline("what should I wear?")
        shell.expect("everyday clothing is fine", timeout=60)
        shell.expect("Your input ->")
        shell.sendline("how long is a session?")
        shell.expect("60 to 90 minutes", timeout=60)
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        shell.close(force=True)
