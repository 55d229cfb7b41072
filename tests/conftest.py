"""Session fixtures: the trained model and the two servers, started once."""
from __future__ import annotations

import os
import secrets
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from tests.helpers import MODEL, ROOT, VENV_BIN, free_port, http_json

STARTUP_TIMEOUT = 180


def _env(**extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1",
               RASA_TELEMETRY_ENABLED="false", **extra)
    return env


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model; `make test` trains it first, this covers a bare pytest run."""
    if not MODEL.exists():
        subprocess.run(["make", "train"], cwd=ROOT, check=True)
    return MODEL


TWILIO_TOKEN = "test-twilio-auth-token"


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    token: str
    log_dir: Path
    web_url: str
    db_url: str
    outbox_dir: Path

    def say(self, message: Any, sender: str | None = None) -> List[Dict[str, Any]]:
        """One user turn through the REST channel; returns the bot messages."""
        status, body = http_json(
            f"{self.rasa_url}/webhooks/rest/webhook",
            {"sender": sender or uuid.uuid4().hex, "message": message},
        )
        assert status == 200, (status, body)
        return body

    def slots(self, sender: str) -> Dict[str, Any]:
        status, body = http_json(
            f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}")
        assert status == 200, (status, body)
        return body["slots"]

    def parse(self, text: str) -> Dict[str, Any]:
        status, body = http_json(
            f"{self.rasa_url}/model/parse?token={self.token}", {"text": text}
        )
        assert status == 200, (status, body)
        return body


def start_rasa(model_path: Path, port: int, token: str, log: Path, debug: bool = False,
               **env: str) -> subprocess.Popen:
    """A Rasa server with this project's channels and endpoints; `env` configures it."""
    command = [str(VENV_BIN / "rasa"), "run", "--model", str(model_path), "--port", str(port),
               "--enable-api", "--auth-token", token, "--credentials", "credentials.yml",
               "--endpoints", "endpoints.yml"] + (["--debug"] if debug else [])
    return subprocess.Popen(command, cwd=ROOT, env=_env(**env), stdout=log.open("a"),
                            stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    _wait_until_up(url, process, log)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-4000:]}")
        try:
            status, _ = http_json(url, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server not up after {STARTUP_TIMEOUT}s; log:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def servers(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Action server + Rasa server (REST, socket.io, API) on free ports.

    Both run at DEBUG, the most talkative level, so the privacy test can check
    that not even DEBUG logs carry health details.
    """
    log_dir = tmp_path_factory.mktemp("server-logs")
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    token = secrets.token_hex(16)
    action_url = f"http://127.0.0.1:{action_port}/webhook"
    db_url = f"sqlite:///{log_dir / 'clinic.sqlite'}"
    outbox_dir = log_dir / "outbox"
    processes: List[subprocess.Popen] = []
    try:
        action_log = log_dir / "actions.log"
        processes.append(subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port),
             "--actions", "actions", "--debug"],
            cwd=ROOT, env=_env(DATABASE_URL=db_url, OUTBOX_DIR=str(outbox_dir)),
            stdout=action_log.open("w"), stderr=subprocess.STDOUT,
        ))
        rasa_log = log_dir / "rasa.log"
        processes.append(start_rasa(
            model_path, rasa_port, token, rasa_log, debug=True,
            ACTION_SERVER_URL=action_url, TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            TRACKER_DATABASE_URL=f"sqlite:///{log_dir / 'conversations.sqlite'}",
            SMS_STATE_DB=str(log_dir / "sms-state.sqlite"), WEB_ORIGINS=web_url))
        web_log = log_dir / "web.log"
        processes.append(subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "web.app", "--port", str(web_port),
             "--socket-url", f"http://127.0.0.1:{rasa_port}"],
            cwd=ROOT, env=_env(), stdout=web_log.open("w"), stderr=subprocess.STDOUT,
        ))
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", processes[0], action_log)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={token}", processes[1], rasa_log)
        _wait_until_up(f"{web_url}/health", processes[2], web_log)
        yield Servers(f"http://127.0.0.1:{rasa_port}", action_url, token, log_dir, web_url,
                      db_url, outbox_dir)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
