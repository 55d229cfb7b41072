"""The load part of `make bench`: the assistant as `make run` serves it (nginx on the
public port, Rasa replicas behind it), under 20 concurrent conversations.

- `replica_runs`: the same load through the public port with 1 and with 2 replicas,
  in one run: 20 conversations x 10 FAQ turns (each a different real question), no
  pause between turns (a closed loop: each conversation sends its next message as
  soon as it has the answer). First turns (they also start the session on the action
  server) are reported apart from later ones. A warm-up round runs first, as a
  running server has had one.
- `stage_breakdown`: where a replica's CPU goes during that load, from a py-spy
  profile, by stage of a turn (channel and web server, lock, tracker load, session
  start, each NLU component, policies, actions, tracker save).
- `turn_growth`: one conversation at a time, the latency of turn 1, 10 and 50, so a
  cost that grows with the conversation shows.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from scripts.loadtest import ERROR_TEXT, local_stack
from services import balancer
from services.launch import PYTHON

CONVERSATIONS, TURNS = 20, 10
PY_SPY = PYTHON.parent / "py-spy"


def percentiles(values: List[float]) -> Dict[str, Optional[float]]:
    """p50, p95, p99 (ms, one decimal) and the count."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None, "n": 0}
    pick = lambda p: round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "n": len(ordered)}


async def closed_loop(
    url: str, questions: List[str], conversations: int, turns: int
) -> Dict[str, Any]:
    """`conversations` at once, `turns` each, no pause; latencies in ms."""
    first: List[float] = []
    later: List[float] = []
    errors = 0
    run = uuid.uuid4().hex[:6]
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=60),
        connector=aiohttp.TCPConnector(limit=conversations),
    ) as session:

        async def conversation(index: int) -> None:
            nonlocal errors
            for turn in range(turns):
                body = {
                    "sender": f"load-{run}-{index}",
                    "message": questions[(index * turns + turn) % len(questions)],
                }
                started = time.perf_counter()
                try:
                    async with session.post(
                        f"{url}/webhooks/rest/webhook", json=body
                    ) as response:
                        answer = await response.json(content_type=None)
                        ok = (
                            response.status == 200
                            and bool(answer)
                            and [m.get("text") for m in answer] != [ERROR_TEXT]
                        )
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                if not ok:
                    errors += 1
                (first if turn == 0 else later).append(elapsed)

        started = time.perf_counter()
        await asyncio.gather(*(conversation(i) for i in range(conversations)))
        seconds = time.perf_counter() - started
    turns_done = len(first) + len(later) - errors
    return {
        "all": percentiles(first + later),
        "first_turns": percentiles(first),
        "later_turns": percentiles(later),
        "turns_per_second": round(turns_done / seconds, 1),
        "errors": errors,
        "seconds": round(seconds, 2),
    }


def replica_runs(
    workdir: Path,
    questions: List[str],
    counts: Tuple[int, ...] = (1, 2),
    profile: bool = True,
) -> Dict[str, Any]:
    """The load through nginx with each replica count, in one run (module
    docstring); with `profile`, a py-spy profile of one replica under the same load
    again."""
    if balancer.nginx_binary() is None:
        return {"skipped": "nginx is not installed (make nginx)"}
    results: Dict[str, Any] = {}
    for count in counts:
        stack = local_stack(workdir / f"replicas-{count}", replicas=count)
        try:
            stack.start(web=False)
            url = stack.rasa_url
            asyncio.run(closed_loop(url, questions[::-1], CONVERSATIONS, 2))  # warm-up
            results[f"{count} replica(s)"] = asyncio.run(
                closed_loop(url, questions, CONVERSATIONS, TURNS)
            )
            results[f"{count} replica(s)"]["growth_ms"] = turn_growth(url, questions)
            if profile and count == counts[-1] and PY_SPY.exists():
                # the same load again, profiled (py-spy takes CPU: not the figures)
                pid = stack.processes[f"rasa-{stack.settings.rasa_ports[0]}"].pid
                spy, raw = start_profile(pid, workdir / "profile.txt")
                asyncio.run(closed_loop(url, questions[1:], CONVERSATIONS, TURNS))
                spy.send_signal(2)  # SIGINT: py-spy writes what it has
                spy.wait(timeout=60)
                results["stages"] = stage_breakdown(raw.read_text())
        finally:
            stack.stop()
    one, two = (results.get(f"{n} replica(s)") for n in (1, 2))
    if one and two and one["turns_per_second"]:
        results["ratio"] = round(two["turns_per_second"] / one["turns_per_second"], 2)
    return results


def start_profile(pid: int, out: Path) -> Tuple[subprocess.Popen, Path]:
    spy = subprocess.Popen(
        [str(PY_SPY), "record", "-p", str(pid), "-r", "200", "-f", "raw"]
        + ["-o", str(out), "-d", "120"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # attached before the load starts
    return spy, out


def turn_growth(url: str, questions: List[str], length: int = 50) -> Dict[str, float]:
    """Median latency (ms) of turns 1, 10 and 50 over three conversations, one
    message at a time."""
    import urllib.request

    seen: Dict[int, List[float]] = {1: [], 10: [], 50: []}
    for _ in range(3):
        sender = f"growth-{uuid.uuid4().hex[:8]}"
        for turn in range(1, length + 1):
            message = questions[turn % len(questions)]
            body = json.dumps({"sender": sender, "message": message})
            request = urllib.request.Request(
                f"{url}/webhooks/rest/webhook",
                data=body.encode(),
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            if turn in seen:
                seen[turn].append((time.perf_counter() - started) * 1000)
    return {f"turn {k}": round(statistics.median(v), 1) for k, v in seen.items()}


# Stages of a turn: a sample counts for the first stage (in this order) whose frame
# is on its stack; stages that nest (a session start inside the tracker fetch) come
# before the stage around them.
STAGES: List[Tuple[str, str]] = [
    ("tracker save (encrypt, insert)", r"save_tracker \(rasa/core/processor"),
    ("session start (first turns, action server)", r"_update_tracker_session "),
    ("tracker load (read, decrypt, rebuild)", r"get_tracker \(rasa/core/processor"),
    ("lock", r"lock_store|rasa/core/lock"),
    ("policies (RulePolicy)", r"_predict_next_with_tracker \(rasa"),
    ("actions (responses, action-server calls)", r"_run_action \(rasa/core/proc"),
    ("NLU", r"_parse_message_with_graph"),
    ("Rasa's turn, other", r"handle_message \(rasa/core/processor"),
    ("channel, web server, event loop", r"."),
]
COMPONENT = re.compile(r"^process \(([\w/]+)\.py")


def stage_breakdown(raw: str) -> Dict[str, float]:
    """Share (%) of a replica's busy samples per stage; NLU split by component."""
    shares: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        frames = stack.split(";")
        joined = ";".join(frames)
        for name, pattern in STAGES:
            if re.search(pattern, joined):
                if name == "NLU":
                    name = "NLU: " + _component(frames)
                shares[name] += samples
                break
    if not total:
        return {}
    return {
        name: round(100 * n / total, 1)
        for name, n in sorted(shares.items(), key=lambda kv: -kv[1])
    }


def _component(frames: List[str]) -> str:
    for frame in frames:
        found = COMPONENT.match(frame)
        if found:
            return found.group(1).split("/")[-1].replace("_utils", "")
    return "graph runner"


# The same load on the main before the speed work (one Rasa server under `make run`,
# issue 25's two runs): the "before" the rows below are read against.
BEFORE_ROW = (
    "| before: 1 server (two runs, issue 25) | 421 / 480 | 2,101 / 2,217 | | | | "
    "28 / 27 | | CPU ms: 91-112 / 50-57 / 65-69 |\n"
)


def markdown(results: Dict[str, Any]) -> str:
    """The replica table, the stage breakdown and the growth rows."""
    if "skipped" in results:
        return f"\n\n## Under load through nginx\n\nSkipped: {results['skipped']}.\n"
    text = (
        f"\n\n## Under load through nginx ({CONVERSATIONS} conversations x {TURNS} "
        "FAQ turns, closed loop, ms)\n\n"
        "| replicas | all p50 | all p95 | all p99 | first turns p95 | later turns "
        "p95 | turns/s | errors | turn 1 / 10 / 50 alone |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    text += BEFORE_ROW
    for key, row in results.items():
        if not key.endswith("replica(s)"):
            continue
        growth = row.get("growth_ms", {})
        text += (
            f"| {key.split()[0]} | {row['all']['p50']} | {row['all']['p95']} | "
            f"{row['all']['p99']} | {row['first_turns']['p95']} | "
            f"{row['later_turns']['p95']} | {row['turns_per_second']} | "
            f"{row['errors']} | {' / '.join(str(v) for v in growth.values())} |\n"
        )
    text += (
        "\nGoals (2 replicas): all p95 <= 250 ms, >= 80 turns/s, 0 errors; "
        "throughput >= 1.8 x one replica's.\n"
    )
    if "ratio" in results:
        text += f"\n2 replicas / 1 replica throughput: {results['ratio']} x\n"
    if results.get("stages"):
        text += (
            "\n### Where a replica's CPU goes under that load (py-spy, % of busy "
            "samples)\n\n| stage | % |\n|---|---|\n"
        )
        text += "".join(f"| {k} | {v} |\n" for k, v in results["stages"].items())
    return text
