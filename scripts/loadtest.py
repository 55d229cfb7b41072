"""Bounded load test on loopback: N concurrent conversations through the REST channel
for T seconds, restarting the action server during the run; prints and saves figures.

    python -m scripts.loadtest                       # 50 conversations, 120 s, restart
    every 30 s
    python -m scripts.loadtest --conversations 5 --seconds 10 --restart-every 0
    python -m scripts.loadtest --url http://localhost:5005   # against a running server
                                                             # (no restarts then)

Without --url it starts its own action server and Rasa server through the launcher
(services/launch.py), on free ports with SQLite in a temporary directory, so a run never
touches real data. "answered" means a 200 with a real
reply; "apologies" are the polite "something went wrong" answers (expected while the
action server restarts); "errors" are anything else (non-200, timeouts, empty replies).
Writes reports/loadtest.json and reports/loadtest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional

import aiohttp

from clinic.channel_texts import text as channel_text
from services.launch import ROOT, Settings, Stack, free_port

ERROR_TEXT = channel_text("apology")
SCRIPT = [
    "hello",
    "how long is a session?",
    "what should I wear?",
    "is massage safe for me?",
    "no",
    "does it hurt?",
    "book a consultation",
    "Sam Lee",
    "online",
    "sam@example.com",
    "tomorrow at 10am",
    "no",
    "Day and time",
    "tomorrow at 2pm",
    "stop",
    "thanks",
    "can massage help with back pain?",
    "bye",
]


@dataclass
class Figures:
    conversations: int
    seconds: float
    restarts: int
    sent: int = 0
    answered: int = 0
    apologies: int = 0
    errors: int = 0
    latencies_ms: List[float] = field(default_factory=list)

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)
        pct = (
            (lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 1))
            if lat
            else (lambda p: None)
        )
        data = asdict(self)
        data.pop("latencies_ms")
        data.update(
            p50_ms=pct(0.50),
            p95_ms=pct(0.95),
            p99_ms=pct(0.99),
            mean_ms=round(statistics.mean(lat), 1) if lat else None,
            turns_per_second=round(self.sent / self.seconds, 1)
            if self.seconds
            else None,
        )
        return data


def local_stack(
    workdir: Path, replicas: Optional[int] = None, web: bool = False
) -> Stack:
    """An action server and a Rasa server of our own (the launcher's), on free ports,
    with their data in `workdir`, so a run never touches real data. With `replicas`,
    that many Rasa servers behind nginx, as `make run` starts them; with `web`, the
    demo page too."""
    settings = Settings(
        rasa_ports=tuple(free_port() for _ in range(replicas or 1)),
        balancer_port=free_port() if replicas else None,
        action_port=free_port(),
        web_port=free_port() if web else None,
        data_dir=workdir / "data",
        env={"DATABASE_URL": "", "REDIS_URL": "", "TRACKER_DATABASE_URL": ""},
    )
    return Stack(settings, log_dir=workdir)


async def conversation(
    session: aiohttp.ClientSession, url: str, deadline: float, figures: Figures
) -> None:
    sender = f"load-{uuid.uuid4().hex}"
    step = random.randrange(len(SCRIPT))
    while time.monotonic() < deadline:
        message = SCRIPT[step % len(SCRIPT)]
        step += 1
        figures.sent += 1
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
            ) as response:
                body = await response.json(content_type=None)
                elapsed = (time.perf_counter() - started) * 1000
                texts = (
                    [m.get("text", "") for m in body] if isinstance(body, list) else []
                )
                if response.status != 200 or not body:
                    figures.errors += 1
                elif texts == [ERROR_TEXT]:
                    figures.apologies += 1
                else:
                    figures.answered += 1
                    figures.latencies_ms.append(elapsed)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            figures.errors += 1


async def run_load(
    url: str,
    conversations: int,
    seconds: float,
    restart_every: float,
    stack: Optional[Stack],
) -> Figures:
    figures = Figures(conversations=conversations, seconds=seconds, restarts=0)
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=conversations)
    ) as session:
        tasks = [
            asyncio.create_task(conversation(session, url, deadline, figures))
            for _ in range(conversations)
        ]
        if stack and restart_every > 0:
            next_restart = time.monotonic() + restart_every
            while time.monotonic() < deadline - 5:
                await asyncio.sleep(0.5)
                if time.monotonic() >= next_restart:
                    await asyncio.get_running_loop().run_in_executor(
                        None, stack.restart_actions
                    )
                    figures.restarts += 1
                    next_restart = time.monotonic() + restart_every
        await asyncio.gather(*tasks)
    return figures


def write_report(summary: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "loadtest.json").write_text(json.dumps(summary, indent=2))
    rows = "\n".join(f"| {k} | {v} |" for k, v in summary.items())
    (out_dir / "loadtest.md").write_text(
        f"# Load test\n\n| figure | value |\n|---|---|\n{rows}\n"
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.loadtest")
    parser.add_argument("--url", help="a running Rasa server (default: start our own)")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--restart-every",
        type=float,
        default=30,
        help="seconds between action-server restarts (0: none)",
    )
    parser.add_argument("--out", default=str(ROOT / "reports"))
    args = parser.parse_args(argv)
    random.seed(7)
    stack = None
    workdir = tempfile.TemporaryDirectory(prefix="loadtest-")
    try:
        if args.url:
            url = args.url.rstrip("/")
        else:
            stack = local_stack(Path(workdir.name)).start(web=False)
            url = stack.rasa_url
        figures = asyncio.run(
            run_load(url, args.conversations, args.seconds, args.restart_every, stack)
        )
    finally:
        if stack:
            stack.stop()
        workdir.cleanup()
    summary = figures.summary()
    write_report(summary, Path(args.out))
    print(json.dumps(summary, indent=2))
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
