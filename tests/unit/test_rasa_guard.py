"""The guard of the Rasa internals this project changes (server/rasa_guard.py)."""

import pytest

from server import rasa_guard


def test_the_installed_rasa_is_the_one_the_patches_were_written_for():
    """In a process of its own, as at the server's start: before anything is
    patched (other tests here install the patches)."""
    import subprocess

    from tests.helpers import ROOT, VENV_BIN

    result = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-c",
            "from server import rasa_guard; print(rasa_guard.mismatches())",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_a_changed_signature_or_version_fails_loudly(monkeypatch):
    changed = dict(rasa_guard.PARAMETERS)
    changed["rasa.core.actions.action:RemoteAction.run"] = ("self", "tracker")
    monkeypatch.setattr(rasa_guard, "PARAMETERS", changed)
    monkeypatch.setattr(rasa_guard, "RASA_VERSION", "3.7.0")
    with pytest.raises(RuntimeError) as error:
        rasa_guard.check()
    assert "RemoteAction.run" in str(error.value) and "3.7.0" in str(error.value)
