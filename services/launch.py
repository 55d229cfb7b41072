"""The one way the assistant's processes are started.

`make run`, `make run-replicas`, `make shell`, the test fixtures, `make bench` and
`make loadtest` all build their command lines and environments here, so what the tests
prove is what users run. They differ only in the `Settings` they pass: ports, the data
folder and the log level.

    python -m services.launch run                # make run: actions, Rasa, nginx, page
    python -m services.launch run --replicas 1   # one Rasa server, no nginx
    python -m services.launch shell [--debug]    # make shell: chat in the terminal
    python -m services.launch shell nlu          # make shell-nlu: only what NLU
    understood

Without arguments the settings come from the environment: RASA_PORT (5005, the public
port), RASA_REPLICAS (default: one per core, at most 2), REPLICA_PORT (5105, the first
replica's port on 127.0.0.1), ACTION_PORT (5055), WEB_PORT (8080), CLINIC_DATA_DIR
(.rasa). With several replicas, nginx listens on the public port (services/balancer.py);
without nginx, one replica does and the launcher says so. A shell started this way
talks to the action server and the conversation store of the `make run` with the same
settings.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from clinic import keys, retention
from clinic.settings import settings as read_settings
from services import balancer

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"  # the Rasa server side (rasa, TensorFlow)
ACTIONS_PYTHON = ROOT / ".venv-actions" / "bin" / "python"  # rasa-sdk and the core only
MODEL = ROOT / "models" / "clinic.tar.gz"
STARTUP_TIMEOUT = 180.0
PRIVATE_UMASK = 0o077  # data folder 0700, its files 0600
# Quiet, reproducible, private: no TensorFlow chatter, no telemetry, fixed hash seed.
BASE_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONHASHSEED": "0",
}


@dataclass(frozen=True)
class Settings:
    """Everything that differs between one stack and another."""

    rasa_ports: Tuple[int, ...] = (5005,)
    # nginx's public port in front of the replicas; None: the one replica is public
    balancer_port: Optional[int] = None
    action_port: int = 5055
    web_port: Optional[int] = 8080  # None: no demo page
    data_dir: Path = ROOT / ".rasa"
    model: Path = MODEL
    debug: bool = False
    # Where the Rasa server calls the action server; a test may put a proxy in between.
    action_url: Optional[str] = None
    # Further configuration for every process (DATABASE_URL, REDIS_URL,
    # ACTION_TIMEOUT...).
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, replicas: Optional[int] = None) -> Settings:
        config = read_settings()
        public = config.rasa_port
        count = replicas or config.rasa_replicas or default_replicas()
        common = dict(
            action_port=config.action_port,
            web_port=config.web_port,
            data_dir=config.data_dir,
        )
        if count <= 1:
            return cls(rasa_ports=(public,), **common)  # type: ignore[arg-type]
        first = config.replica_port
        return cls(
            rasa_ports=tuple(range(first, first + count)),
            balancer_port=public,
            **common,  # type: ignore[arg-type]
        )

    def as_environment(self) -> Dict[str, str]:
        """The variables `from_environment` reads, so another command (make shell)
        finds this stack."""
        return {
            "RASA_PORT": str(self.public_port),
            "RASA_REPLICAS": str(len(self.rasa_ports)),
            "REPLICA_PORT": str(self.rasa_ports[0]),
            "ACTION_PORT": str(self.action_port),
            "WEB_PORT": str(self.web_port or ""),
            "CLINIC_DATA_DIR": str(self.data_dir),
        }

    @property
    def public_port(self) -> int:
        return self.balancer_port or self.rasa_ports[0]

    @property
    def rasa_url(self) -> str:
        """Where patients' channels reach the assistant: nginx, or the one replica."""
        return f"http://localhost:{self.public_port}"

    def without_balancer(self) -> Settings:
        """One replica on the public port (no nginx on this machine)."""
        return replace(self, rasa_ports=(self.public_port,), balancer_port=None)

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}"

    @property
    def web_origins(self) -> str:
        """Browser origins allowed on the widget's socket.io channel: the demo
        page's."""
        if not self.web_port:
            return ""
        return f"http://localhost:{self.web_port},http://127.0.0.1:{self.web_port}"


def default_replicas() -> int:
    """A Rasa replica per core (one Python process uses one), at most two."""
    return max(1, min(os.cpu_count() or 1, 2))


def environment(settings: Settings) -> Dict[str, str]:
    """The environment of every process of a stack (secrets included, never argv)."""
    env = {
        **os.environ,
        **BASE_ENVIRONMENT,
        "CLINIC_DATA_DIR": str(settings.data_dir),
        # several replicas on one machine share the lock (stores/lock_store.py)
        "RASA_REPLICAS": str(len(settings.rasa_ports)),
    }
    if settings.web_origins and "WEB_ORIGINS" not in os.environ:
        env["WEB_ORIGINS"] = settings.web_origins
    env["ACTION_SERVER_URL"] = (
        settings.action_url
        or read_settings().action_server_url  # another host (deploy/)
        or f"http://127.0.0.1:{settings.action_port}/webhook"
    )
    env.update(settings.env)
    for which in keys.ALL:  # given, or generated once into the data folder
        env[which.env_var] = secret(which, settings, env)
    return env


def secret(which: keys.Secret, settings: Settings, env: Mapping[str, str]) -> str:
    """A secret as the stack's processes will see it (given, or from the data
    folder)."""
    given = env.get(which.env_var, "").strip()
    return given or keys.value(which, prepared_data_dir(settings))


def prepared_data_dir(settings: Settings) -> Path:
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.data_dir.chmod(0o700)
    return settings.data_dir


# ------------------------------------------------------------------ command lines
def action_server_command(settings: Settings) -> List[str]:
    return [
        str(ACTIONS_PYTHON),
        "-m",
        "actions.server",
        "--port",
        str(settings.action_port),
    ] + (["--debug"] if settings.debug else [])


def rasa_server_command(settings: Settings, port: int) -> List[str]:
    """The Rasa server: REST, socket.io and SMS channels, and the HTTP API (its token
    comes from the environment). No --cors: the widget's socket.io channel answers CORS
    itself, and a second set of headers makes browsers refuse both. Behind nginx a
    replica listens on 127.0.0.1 only: the public port is nginx's."""
    interface = ["--interface", "127.0.0.1"] if settings.balancer_port else []
    return [
        str(PYTHON),
        "-m",
        "server",
        "run",
        "--model",
        str(settings.model),
        "--port",
        str(port),
        "--enable-api",
        "--credentials",
        "credentials.yml",
        "--endpoints",
        "endpoints.yml",
        *interface,
    ] + (["--debug"] if settings.debug else [])


def balancer_command(settings: Settings) -> List[str]:
    """nginx on the public port, in front of the replicas; its config and temporary
    files live in the data folder's run/ folder."""
    binary = balancer.nginx_binary()
    if binary is None or settings.balancer_port is None:
        raise RuntimeError("nginx is needed in front of several replicas")
    config = balancer.write_config(
        settings.balancer_port,
        list(settings.rasa_ports),
        prepared_data_dir(settings) / "run" / "nginx",
    )
    return balancer.nginx_command(binary, config)


JOBS = ("retention", "reminders")  # processes without a port: up while they run
RESTART_BACKOFF_MAX_S = 60.0
STABLE_AFTER_S = 60.0  # a process up this long starts its restarts from 1 s again


def retention_command(settings: Settings) -> List[str]:
    """The retention job (services/retention.py), once per stack."""
    return [
        str(PYTHON),
        "-m",
        "services.retention",
        "--every",
        str(retention.PURGE_EVERY_SECONDS),
    ]


def reminders_command(settings: Settings) -> List[str]:
    """The reminder sender (services/reminders.py), once per stack."""
    return [str(PYTHON), "-m", "services.reminders", "--every", "60"]


def web_command(settings: Settings) -> List[str]:
    return [
        str(PYTHON),
        "-m",
        "web.app",
        "--port",
        str(settings.web_port),
        "--socket-url",
        # the public address of the chat's server (deploy/: the cluster's host name)
        read_settings().rasa_socket_url or settings.rasa_url,
    ]


def shell_command(settings: Settings, extra: Sequence[str] = ()) -> List[str]:
    """`rasa shell` against the running stack's action server and conversation store;
    its own (cmdline) server takes a free local port, so it runs beside `make run`."""
    if list(extra[:1]) == ["nlu"]:
        return [
            str(PYTHON),
            "-m",
            "server",
            "shell",
            "nlu",
            "--model",
            str(settings.model),
            *extra[1:],
        ]
    return [
        str(PYTHON),
        "-m",
        "server",
        "shell",
        "--model",
        str(settings.model),
        "--endpoints",
        "endpoints.yml",
        "--interface",
        "127.0.0.1",
        "--port",
        str(free_port()),
        *extra,
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------ processes
class Stack:
    """The processes of one assistant: action server, Rasa server(s), demo page.

    With a `log_dir`, each process writes to `<log_dir>/<name>.log`; without, to this
    terminal (make run)."""

    def __init__(self, settings: Settings, log_dir: Optional[Path] = None) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.env = environment(settings)
        self.token = self.env[keys.API_TOKEN.env_var]
        self.processes: Dict[str, subprocess.Popen] = {}
        self.commands: Dict[str, List[str]] = {}
        self._started: Dict[str, float] = {}
        # per process: (restarts in a row, the earliest time of the next restart)
        self._backoff: Dict[str, Tuple[int, float]] = {}

    # where things are
    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{port}" for port in self.settings.rasa_ports]

    @property
    def rasa_url(self) -> str:
        """The public door: nginx in front of the replicas, or the one replica."""
        return f"http://127.0.0.1:{self.settings.public_port}"

    @property
    def action_url(self) -> str:
        return self.env["ACTION_SERVER_URL"]

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def log_path(self, name: str) -> Optional[Path]:
        return self.log_dir / f"{name}.log" if self.log_dir else None

    # starting and stopping
    def start(
        self,
        actions: bool = True,
        rasa: bool = True,
        web: bool = True,
        wait: bool = True,
    ) -> Stack:
        try:
            if actions:
                self.start_actions(wait=False)
            if rasa:
                for port in self.settings.rasa_ports:
                    self.start_rasa(port, wait=False)
                if self.settings.balancer_port:
                    self._spawn("balancer", balancer_command(self.settings))
            if web and self.settings.web_port:
                self._spawn("web", web_command(self.settings))
            if rasa:  # the stack that stores conversations deletes old ones
                self._spawn("retention", retention_command(self.settings))
            if actions:  # the stack that books sends the reminders
                self._spawn("reminders", reminders_command(self.settings))
            if wait:
                self.wait_until_up()
        except BaseException:
            self.stop()  # nothing left running when a process cannot start
            raise
        return self

    def start_actions(self, wait: bool = True) -> None:
        self._spawn("actions", action_server_command(self.settings))
        if wait:
            self.wait_until_up(["actions"])

    def start_rasa(self, port: int, wait: bool = True) -> None:
        self._spawn(f"rasa-{port}", rasa_server_command(self.settings, port))
        if wait:
            self.wait_until_up([f"rasa-{port}"])

    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        log = self.log_path(name)
        output = log.open("a") if log else None
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            umask=PRIVATE_UMASK,  # every file it writes: for the service user only
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        self.processes[name] = process
        self.commands[name] = command
        self._started[name] = time.monotonic()
        return process

    def health_url(self, name: str) -> Optional[str]:
        if name in JOBS:
            return None  # a job, not a server: up while it runs
        if name == "actions":
            return f"http://127.0.0.1:{self.settings.action_port}/health"
        if name == "web":
            return f"{self.web_url}/health"
        if name == "balancer":  # answers once a replica behind it does
            return f"{self.rasa_url}/"
        # Rasa answers once its model is loaded
        return f"http://127.0.0.1:{name.split('-', 1)[1]}/"

    def wait_until_up(
        self, names: Optional[Sequence[str]] = None, timeout: float = STARTUP_TIMEOUT
    ) -> None:
        deadline = time.monotonic() + timeout
        for name in names or list(self.processes):
            process = self.processes[name]
            while True:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited early (code "
                        f"{process.returncode}){self._log_tail(name)}"
                    )
                url = self.health_url(name)
                if url is None or _answers(url):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{name} not up after {timeout:.0f} s{self._log_tail(name)}"
                    )
                time.sleep(0.3)

    def _log_tail(self, name: str) -> str:
        log = self.log_path(name)
        return (
            f"; log:\n{log.read_text(errors='replace')[-4000:]}"
            if log and log.exists()
            else ""
        )

    def supervise(self) -> None:
        """Restart every process that ended, each on its own: one ending never stops
        the others (nginx routes around a replica meanwhile, the channels answer an
        apology while the action server is away). Restarts back off, 1 s doubling up
        to RESTART_BACKOFF_MAX_S, and a process that then runs for a minute starts
        again from 1 s."""
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                if now - self._started.get(name, now) >= STABLE_AFTER_S:
                    self._backoff.pop(name, None)
                continue
            count, not_before = self._backoff.get(name, (0, 0.0))
            if now < not_before:
                continue
            delay = min(RESTART_BACKOFF_MAX_S, 2.0**count)
            print(
                f"{name} ended (code {process.returncode}); restarting it "
                f"(next wait {delay:.0f} s).",
                flush=True,
            )
            self._backoff[name] = (count + 1, now + delay)
            self._spawn(name, self.commands[name])

    def kill(self, name: str) -> None:
        """A crash, not a polite shutdown."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def restart_actions(self) -> None:
        self.kill("actions")
        self.start_actions()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


# ------------------------------------------------------------------ command line
def run(settings: Settings) -> int:
    """Start everything in this terminal; Ctrl-C stops all. A process that ends is
    restarted (Stack.supervise)."""
    stack = Stack(settings)
    token_source = (
        "RASA_API_TOKEN"
        if os.environ.get(keys.API_TOKEN.env_var)
        else keys.path_of(keys.API_TOKEN, settings.data_dir)
    )
    stop = {"now": False}
    # a closed terminal (SIGHUP) stops everything too: nginx would outlive it, since
    # it reads SIGHUP as "reload"
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda *_: stop.update(now=True))
    try:
        stack.start(wait=False)
        print(
            f"Assistant starting ({describe_rasa(settings)}): "
            f"demo page {settings.web_url}/, REST "
            f"{settings.rasa_url}/webhooks/rest/webhook, "
            f"SMS {settings.rasa_url}/webhooks/sms/webhook. HTTP API token: "
            f"{token_source}.",
            flush=True,
        )
        stack.wait_until_up()
        print(
            "Assistant ready. Staff chat in another terminal: make shell. Ctrl-C "
            "stops.",
            flush=True,
        )
        while not stop["now"]:
            stack.supervise()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping...", flush=True)
        stack.stop()
    return 0


ONE_PROCESS = ("rasa", "actions", "web", "retention", "reminders")


def one(process: str, settings: Settings) -> int:
    """Replace this process by one of the stack's (a container runs one; its
    orchestrator restarts it): the same command line and environment as `run`."""
    commands = {
        "rasa": lambda: rasa_server_command(settings, settings.rasa_ports[0]),
        "actions": lambda: action_server_command(settings),
        "web": lambda: web_command(settings),
        "retention": lambda: retention_command(settings),
        "reminders": lambda: reminders_command(settings),
    }
    command = commands[process]()
    os.execvpe(command[0], command, environment(settings))
    return 1  # not reached


def describe_rasa(settings: Settings) -> str:
    ports = ", ".join(map(str, settings.rasa_ports))
    if settings.balancer_port:
        return (
            f"{len(settings.rasa_ports)} Rasa replicas on 127.0.0.1:{ports} behind "
            f"nginx on {settings.balancer_port}"
        )
    return f"Rasa on {ports}"


def with_available_balancer(settings: Settings) -> Settings:
    """The settings as this machine can run them: without nginx, one replica on the
    public port, said aloud."""
    if settings.balancer_port and balancer.nginx_binary() is None:
        print(
            f"nginx is not installed (make nginx): one Rasa replica on port "
            f"{settings.balancer_port} instead of {len(settings.rasa_ports)}.",
            flush=True,
        )
        return settings.without_balancer()
    return settings


def shell(settings: Settings, extra: Sequence[str]) -> None:
    """Replace this process with `rasa shell` (it keeps the terminal)."""
    command = shell_command(settings, extra)
    os.chdir(ROOT)
    os.execve(command[0], command, environment(settings))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.launch", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start the assistant (make run)")
    run_parser.add_argument(
        "--replicas",
        type=int,
        default=None,
        help="Rasa servers behind nginx (default: RASA_REPLICAS, else one per core, "
        "at most 2)",
    )
    run_parser.add_argument("--debug", action="store_true")
    one_parser = commands.add_parser(
        "one",
        help="run one process in the foreground, as a container does (deploy/)",
    )
    one_parser.add_argument("process", choices=ONE_PROCESS)
    commands.add_parser(
        "shell",
        help="rasa shell against the running assistant; further "
        "arguments go to rasa shell (--debug, nlu)",
    )
    args, extra = parser.parse_known_args(argv)
    os.umask(PRIVATE_UMASK)  # the launcher's own files (secrets) too
    if args.command == "run":
        if extra:
            parser.error(f"unknown arguments: {' '.join(extra)}")
        settings = replace(Settings.from_environment(args.replicas), debug=args.debug)
        return run(with_available_balancer(settings))
    if args.command == "one":
        return one(args.process, Settings.from_environment(replicas=1))
    shell(Settings.from_environment(), extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
