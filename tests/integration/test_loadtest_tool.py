"""The load-test tool itself, on a tiny setting (its figures come from `make
loadtest`)."""

import json

import pytest

from scripts import loadtest

pytestmark = pytest.mark.server


def test_the_load_test_runs_on_a_tiny_setting(servers, tmp_path):
    """Only that the tool works and counts; its figures come from `make loadtest`."""
    code = loadtest.main(
        [
            "--url",
            servers.rasa_url,
            "--conversations",
            "3",
            "--seconds",
            "4",
            "--restart-every",
            "0",
            "--out",
            str(tmp_path),
        ]
    )
    figures = json.loads((tmp_path / "loadtest.json").read_text())
    assert code == 0 and figures["sent"] >= 3 and figures["errors"] == 0
    assert figures["answered"] + figures["apologies"] == figures["sent"]
