"""The launcher's supervisor: every process it starts is restarted when it ends, each
on its own with a growing wait, and a stack without the appointments block runs (its
reminder job waits instead of ending)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import yaml

from services.launch import Stack
from tests.conftest import CLINIC_FIXTURE, stack_settings
from tests.helpers import http_json

RESTARTED_WITHIN_S = 30


def without_appointments(folder: Path) -> Path:
    facts = yaml.safe_load(CLINIC_FIXTURE.read_text(encoding="utf-8"))
    facts.pop("appointments", None)
    path = folder / "clinic.yml"
    path.write_text(yaml.safe_dump(facts), encoding="utf-8")
    return path


def answers(stack: Stack) -> bool:
    status, body = http_json(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        {"sender": f"sup-{time.monotonic_ns()}", "message": "how long is a session?"},
    )
    return status == 200 and "minutes" in str(body)


def test_every_process_is_restarted_and_a_stack_without_appointments_runs(
    model_path, tmp_path
):
    settings = stack_settings(
        tmp_path / "data",
        model=model_path,
        env={"CLINIC_CONFIG": str(without_appointments(tmp_path))},
    )
    with Stack(settings, log_dir=tmp_path).start() as stack:
        time.sleep(2)
        # no appointments block: the reminder job is there, waiting
        assert stack.processes["reminders"].poll() is None
        assert answers(stack)
        for name in ("actions", "web", "retention", "reminders"):
            old = stack.processes[name]
            old.send_signal(signal.SIGKILL)
            old.wait()
            deadline = time.monotonic() + RESTARTED_WITHIN_S
            while stack.processes[name] is old and time.monotonic() < deadline:
                stack.supervise()
                time.sleep(0.2)
            assert stack.processes[name] is not old, f"{name} was not restarted"
            # nothing else stopped
            assert all(p.poll() is None for p in stack.processes.values()), name
        stack.wait_until_up()
        assert answers(stack)  # a custom action answers too: the session start
        status, _ = http_json(f"{stack.web_url}/health")
        assert status == 200


def test_a_process_that_keeps_ending_is_restarted_later_each_time(model_path, tmp_path):
    settings = stack_settings(tmp_path / "data", model=model_path)
    with Stack(settings, log_dir=tmp_path).start(rasa=False, web=False) as stack:
        restarts = []
        for _ in range(3):
            old = stack.processes["reminders"]
            old.send_signal(signal.SIGKILL)
            old.wait()
            ended = time.monotonic()
            while stack.processes["reminders"] is old:
                stack.supervise()
                time.sleep(0.05)
            restarts.append(time.monotonic() - ended)
        # the first at once, then 1 s, then 2 s
        assert restarts[0] < 1.0 and restarts[1] >= 0.9 and restarts[2] >= 1.9, restarts
