"""Rasa's own checks: training data is valid, conversation tests pass."""

import subprocess

from tests.helpers import ROOT, VENV_BIN


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "rasa"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_training_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--domain", "domain", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_conversation_stories_pass(model_path, tmp_path):
    result = run_rasa(
        "test",
        "core",
        "--model",
        str(model_path),
        "--stories",
        "tests/conversations",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (
        detail[-6000:] + result.stdout[-3000:] + result.stderr[-3000:]
    )
