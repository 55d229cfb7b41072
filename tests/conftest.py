"""Session fixtures: the trained model and the assistant's stack, started once.

The stack is started by the launcher `make run` uses (services/launch.py), with its own
ports and data folder: what these tests prove is what users run.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

import pytest

from clinic import clock
from services.launch import Settings, Stack, free_port
from tests.helpers import MODEL, ROOT, http_json

TWILIO_TOKEN = "test-twilio-auth-token"
# The test process computes SMS conversation ids and reads stored conversations, so it
# shares these secrets with the stacks it starts (tests/integration/test_launch.py
# checks
# that a stack without them generates its own into its data folder).
TEST_SECRETS = {
    "CLINIC_PSEUDONYM_KEY": "test-pseudonym-key",
    "CLINIC_STORE_KEY": "Hh7dyzA8bC7v8HfWq0m7kNq3lS9P1b2c3d4e5f6g7h8=",
    "ACTION_SERVER_SECRET": "test-action-secret",
}
os.environ.update(TEST_SECRETS)


FAST_TIER = ("unit", "actions")  # folders of tests/ that need no server and no model


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """The fast tier (`make test-fast`, `-m fast`) is a folder, not a list to keep."""
    for item in items:
        folder = Path(str(item.fspath)).relative_to(ROOT / "tests").parts[0]
        if folder in FAST_TIER:
            item.add_marker(pytest.mark.fast)


def next_monday_morning() -> datetime:
    zone = ZoneInfo("America/Los_Angeles")  # the fixture's time_zone
    today = datetime.now(zone).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.combine(monday, time(6, 0), tzinfo=zone)


# The clinic's facts for every test process and stack (the real clinic.yml is staff's).
CLINIC_FIXTURE = ROOT / "tests" / "fixtures" / "clinic.yml"
CLINIC_NAME = "Harbourside Test Clinic"
os.environ["CLINIC_CONFIG"] = str(CLINIC_FIXTURE)
# The test process's own data (stores opened by unit tests) stays out of the project's
# .rasa; every stack gets a data folder of its own anyway.
os.environ["CLINIC_DATA_DIR"] = tempfile.mkdtemp(prefix="clinic-test-data-")
# Every test process and stack lives from 6:00 on the coming Monday in the clinic's
# zone (clinic/clock.py), so "tomorrow at 10am" is a Tuesday inside the fixture's
# consultation hours whatever day the tests run.
TEST_CLOCK_START = next_monday_morning()
os.environ[clock.START_VARIABLE] = TEST_CLOCK_START.isoformat()
os.umask(0o077)  # as the launcher does: files the tests create are private too


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model; `make test` trains it first, this covers a bare pytest run."""
    if not MODEL.exists():
        subprocess.run(["make", "train"], cwd=ROOT, check=True)
    return MODEL


def stack_settings(data_dir: Path, **changes: Any) -> Settings:
    """A stack on free ports with its own data folder, configured as `make run` is."""
    env = {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN, **changes.pop("env", {})}
    return Settings(
        rasa_ports=changes.pop("rasa_ports", (free_port(),)),
        action_port=changes.pop("action_port", free_port()),
        web_port=changes.pop("web_port", free_port()),
        data_dir=data_dir,
        env=env,
        **changes,
    )


@dataclass
class Servers:
    stack: Stack

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def action_url(self) -> str:
        return self.stack.action_url

    @property
    def web_url(self) -> str:
        return self.stack.web_url

    @property
    def token(self) -> str:
        return self.stack.token

    @property
    def data_dir(self) -> Path:
        return self.stack.settings.data_dir

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'clinic.sqlite'}"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def rasa_log(self) -> Path:
        return self.stack.log_path(f"rasa-{self.stack.settings.rasa_ports[0]}")

    @property
    def action_log(self) -> Path:
        return self.stack.log_path("actions")

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
            f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}"
        )
        assert status == 200, (status, body)
        return body["slots"]

    def parse(self, text: str) -> Dict[str, Any]:
        status, body = http_json(
            f"{self.rasa_url}/model/parse?token={self.token}", {"text": text}
        )
        assert status == 200, (status, body)
        return body


@pytest.fixture(scope="session")
def servers(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    """Action server, Rasa server (REST, socket.io, SMS, API) and demo page.

    They run at DEBUG, the most talkative level, so the privacy tests can check that not
    even DEBUG logs carry health details.
    """
    base = tmp_path_factory.mktemp("stack")
    stack = Stack(
        stack_settings(base / "data", model=model_path, debug=True), log_dir=base
    )
    try:
        stack.start()
        yield Servers(stack)
    finally:
        stack.stop()
