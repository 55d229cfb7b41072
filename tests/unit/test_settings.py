"""One settings module: every process reads its environment there, typed, with a
clear error that names a bad variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clinic.settings import SettingError, settings
from tests.helpers import ROOT


def test_defaults_are_the_documented_ports_and_limits(monkeypatch):
    for name in (
        "RASA_PORT",
        "ACTION_PORT",
        "WEB_PORT",
        "STORE_TIMEOUT",
        "RASA_REPLICAS",
    ):
        monkeypatch.delenv(name, raising=False)
    config = settings()
    assert (config.rasa_port, config.action_port, config.web_port) == (5005, 5055, 8080)
    assert config.store_timeout == 4.0 and config.rasa_replicas is None


@pytest.mark.parametrize(
    "name, value",
    [("RASA_PORT", "port"), ("WEB_PORT", "70000"), ("RETENTION_DAYS", "-1")],
)
def test_a_bad_value_names_its_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=name):
        settings()


def test_a_change_to_the_environment_is_seen(monkeypatch):
    monkeypatch.setenv("ACTION_TIMEOUT", "3")
    assert settings().action_timeout == 3


def test_the_makefile_can_ask_for_one_setting():
    result = subprocess.run(
        [sys.executable, "-m", "clinic.settings", "web_port"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"WEB_PORT": "8099", "PATH": ""},
    )
    assert result.returncode == 0 and result.stdout.strip() == "8099"
