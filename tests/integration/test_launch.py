"""One launcher: no file but services/launch.py builds a command line that starts the
Rasa server or the action server, so every way of starting the stack is the tested
one."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

LAUNCHER = "services/launch.py"
THIS_TEST = "tests/integration/test_launch.py"  # it spells the patterns out
# Argument lists in Python: ["rasa", "run", "--model", ...], [python, "-m", "server",
# ...]
PYTHON_ARGV = re.compile(
    r"""['"]run['"],\s*['"](?:actions|--model)['"]|"""
    r"""['"]-m['"],\s*['"](?:server|actions\.server)['"]"""
)
# Command text in shell scripts, the Makefile and CI: rasa run ..., python -m server ...
SHELL_COMMAND = re.compile(
    r"\brasa\s+run\b|-m\s+(?:server|actions\.server)\b|--enable-api"
)


def builds_server_command(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    pattern = PYTHON_ARGV if path.suffix == ".py" else SHELL_COMMAND
    return bool(pattern.search(text))


def test_no_file_but_the_launcher_builds_a_server_command_line():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    code = [
        path
        for path in tracked
        if path.endswith((".py", ".sh")) or path in ("Makefile", ".ci/run")
    ]
    offenders = [
        path
        for path in code
        if path not in (LAUNCHER, THIS_TEST)
        and (ROOT / path).exists()
        and builds_server_command(ROOT / path)
    ]
    assert offenders == []
    assert builds_server_command(ROOT / LAUNCHER)  # the patterns do find a command line


def test_a_stack_without_secrets_generates_them_once_into_its_private_data_folder(
    tmp_path, monkeypatch
):
    from clinic import keys
    from services.launch import Settings, environment

    for which in keys.ALL:
        monkeypatch.delenv(which.env_var, raising=False)
    data = tmp_path / "data"
    settings = Settings(data_dir=data, web_port=None)
    first, second = environment(settings), environment(settings)
    for which in keys.ALL:
        path = data / which.file_name
        assert first[which.env_var] and first[which.env_var] == second[which.env_var]
        assert path.read_text().strip() == first[which.env_var]
        assert oct(path.stat().st_mode)[-3:] == "600"
    assert oct(data.stat().st_mode)[-3:] == "700"
    assert len({first[w.env_var] for w in keys.ALL}) == len(keys.ALL)  # all different


@pytest.mark.server
def test_the_stack_runs_the_one_retention_job(servers):
    """Old conversations and bookings are deleted by one job that the launcher starts
    beside the servers (services/retention.py), right away and then hourly."""
    job = servers.stack.processes["retention"]
    assert job.poll() is None, "the retention job is not running"
    log = servers.stack.log_path("retention")
    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline and "bookings and callback" not in log.read_text()
    ):
        time.sleep(0.5)
    text = log.read_text()
    assert "Retention: Deleted" in text and "conversation events" in text, text


def test_make_run_puts_a_replica_per_core_behind_nginx_on_the_public_port(
    monkeypatch, capsys
):
    from services import balancer, launch

    for name in ("RASA_PORT", "RASA_REPLICAS", "REPLICA_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(launch.os, "cpu_count", lambda: 2)
    settings = launch.Settings.from_environment()
    assert settings.balancer_port == 5005 and settings.rasa_ports == (5105, 5106)
    assert settings.rasa_url == "http://localhost:5005"
    command = launch.rasa_server_command(settings, 5105)
    assert command[command.index("--interface") + 1] == "127.0.0.1"
    monkeypatch.setattr(launch.os, "cpu_count", lambda: 8)
    assert len(launch.Settings.from_environment().rasa_ports) == 2  # at most 2
    monkeypatch.setenv("RASA_REPLICAS", "3")
    assert len(launch.Settings.from_environment().rasa_ports) == 3  # configurable
    monkeypatch.setenv("RASA_REPLICAS", "1")
    one = launch.Settings.from_environment()
    assert one.balancer_port is None and one.rasa_ports == (5005,)
    assert "--interface" not in launch.rasa_server_command(one, 5005)

    # a machine without nginx: one replica on the public port, and the launcher says so
    monkeypatch.setattr(balancer, "nginx_binary", lambda: None)
    fallback = launch.with_available_balancer(settings)
    assert fallback.balancer_port is None and fallback.rasa_ports == (5005,)
    assert "nginx is not installed" in capsys.readouterr().out


def test_the_nginx_config_routes_as_documented(tmp_path):
    from services import balancer

    config = balancer.nginx_config(5005, [5105, 5106], tmp_path)
    assert "listen 5005;" in config
    assert config.count("server 127.0.0.1:5105") == 2  # both upstreams
    assert "hash $remote_addr consistent;" in config  # socket.io: sticky
    assert "least_conn;" in config  # the rest: the least busy replica
    assert "client_max_body_size 64k;" in config
    assert "access_log off;" in config
    if balancer.nginx_binary():  # nginx itself accepts it
        path = balancer.write_config(5005, [5105, 5106], tmp_path / "run")
        checked = subprocess.run(
            [
                balancer.nginx_binary(),
                "-t",
                "-e",
                "stderr",
                "-p",
                str(path.parent),
                "-c",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stderr
