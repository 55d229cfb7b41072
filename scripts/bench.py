"""Benchmarks: NLU quality, latency, throughput, cold start, training time, memory,
the sentence encoder's latency and the NLU variant table.

    make bench                          # everything (about 30 min on 2 cores)
    python -m scripts.bench --no-train  # skip the two training runs
    python -m scripts.bench --no-variants  # skip the NLU variant table (~12 min)
    python -m scripts.bench --tiny      # a few requests of each kind: checks the tool
    works
    python -m scripts.bench --load-only # only the load through nginx, 1 and 2 replicas

Starts its own action server and Rasa server (free ports, temporary databases) with
models/clinic.tar.gz and writes reports/bench.md, reports/bench.json and PNG plots
(latency distribution, accuracy per intent/topic, confusion heat map). Figures are
printed, never asserted: the goals (TARGETS) are shown next to them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import aiohttp
import yaml

from scripts import bench_load, bench_widget, language_eval, safety_eval, screen_eval
from scripts.bench_load import percentiles
from scripts.loadtest import ERROR_TEXT, SCRIPT, local_stack
from scripts.nlu_eval import evaluate, http_parser, labels_of, read_examples
from services.launch import PYTHON, ROOT, Stack

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
OUT_OF_SCOPE = ROOT / "tests" / "nlu" / "out_of_scope.yml"
# real patients' questions, test split: reported here, never tuned on
REALWORLD_TEST = ROOT / "tests" / "realworld" / "nlu_test.yml"
# The goals the figures are read against (docs/evaluation.md explains each).
TARGETS = {
    "faq_p95_ms_at_20": "<= 60 ms and <= 1.5 x bare parse",
    "cold_start_s": "<= 10 s",
    "rss_per_replica_mb": "<= 900 MB (encoder loaded)",
    "widget_first_s": f"<= {bench_widget.FIRST_ANSWER_GOAL_S} s",
    "widget_follow_up_s": f"<= {bench_widget.FOLLOW_UP_GOAL_S} s",
    "train_full_s": "<= 180 s",
    "train_response_only_s": "<= 30 s",
    "heldout_accuracy": ">= 0.95",
    "out_of_scope_recall": ">= 0.9",
    "wrong_answer_rate": "<= 0.02",
}


def peak_rss_mb(pid: int) -> Optional[float]:
    """VmHWM: the process's peak resident memory, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# ------------------------------------------------------------------- latency
# Two ways to load the server. "paced": each conversation pauses between turns, as a
# patient does while reading and typing (here 0.5-1.5 s, far quicker than people), so a
# turn's latency is its own cost plus the queueing the other conversations cause.
# "closed":
# no pause at all; on one event loop a turn then waits for every other conversation's
# turn, so p95 is about N x the service time: a saturation figure, shown beside the
# throughput one. Targets are read on the paced rows.
THINK_SECONDS = (0.5, 1.5)


def faq_questions() -> List[str]:
    """Varied FAQ wordings (the held-out ones), so no turn repeats the one before."""
    return [text for text, label in read_examples(HELDOUT) if label.startswith("faq/")]


async def timed_requests(
    session: aiohttp.ClientSession,
    make_request: Callable[[int, int], Tuple[str, dict, bool]],
    workers: int,
    per_worker: int,
    think: Optional[Tuple[float, float]],
    seed: int = 7,
) -> Tuple[List[float], int]:
    """`workers` concurrent conversations of `per_worker` turns; latencies (ms) of
    measured ones."""
    latencies: List[float] = []
    errors = 0
    rng = random.Random(seed)

    async def worker(index: int) -> None:
        nonlocal errors
        if think:  # conversations start spread out, as patients do
            await asyncio.sleep(rng.uniform(0, think[1]))
        for step in range(per_worker):
            url, body, measured = make_request(index, step)
            started = time.perf_counter()
            try:
                async with session.post(url, json=body) as response:
                    payload = await response.json(content_type=None)
                    ok = (
                        response.status == 200
                        and payload
                        and payload
                        != [{"recipient_id": body.get("sender"), "text": ERROR_TEXT}]
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                ok = False
            if not ok:
                errors += 1
            elif measured:
                latencies.append((time.perf_counter() - started) * 1000)
            if think:
                await asyncio.sleep(rng.uniform(*think))

    await asyncio.gather(*(worker(i) for i in range(workers)))
    return latencies, errors


def turn_kinds(
    url: str, token: str
) -> Dict[str, Callable[[int, int], Tuple[str, dict, bool]]]:
    run = uuid.uuid4().hex[:6]
    questions = faq_questions()
    question = lambda i, s: questions[(i * 7 + s) % len(questions)]  # noqa: E731
    return {
        "bare_parse": lambda i, s: (
            f"{url}/model/parse?token={token}",
            {"text": question(i, s)},
            True,
        ),
        # the first turn of a conversation also starts the session (action server): not
        # measured
        "faq_turn": lambda i, s: (
            f"{url}/webhooks/rest/webhook",
            {"sender": f"faq-{run}-{i}", "message": question(i, s)},
            s > 0,
        ),
        # a screen turn calls the action server (intake, form, validation); "stop"
        # resets it
        "screen_turn": lambda i, s: (
            f"{url}/webhooks/rest/webhook",
            {
                "sender": f"screen-{run}-{i}",
                "message": "is massage safe for me?" if s % 2 == 0 else "stop",
            },
            s % 2 == 0 and s > 0,
        ),
    }


async def latency_table(
    url: str,
    token: str,
    levels: List[int],
    closed_levels: List[int],
    per_worker: int,
    think: Tuple[float, float] = THINK_SECONDS,
) -> Dict[str, Any]:
    kinds = turn_kinds(url, token)
    plan = [(kind, level, "paced") for kind in kinds for level in levels] + [
        (kind, level, "closed") for kind in kinds for level in closed_levels
    ]
    results: Dict[str, Any] = {}
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=120),
        connector=aiohttp.TCPConnector(limit=max(levels + closed_levels)),
    ) as session:
        for kind, level, mode in plan:
            count = per_worker * (2 if kind == "screen_turn" else 1) + 1
            latencies, errors = await timed_requests(
                session, kinds[kind], level, count, think if mode == "paced" else None
            )
            key = f"{kind}@{level}" + (" closed" if mode == "closed" else "")
            results[key] = {
                **percentiles(latencies),
                "errors": errors,
                "samples": latencies,
            }
            print(
                f"  {key}: p50 {results[key]['p50']} p95 {results[key]['p95']} ms",
                flush=True,
            )
    return results


async def throughput(url: str, workers: int, seconds: float) -> Dict[str, Any]:
    turns = errors = 0
    deadline = time.monotonic() + seconds
    run = uuid.uuid4().hex[:6]
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=60),
        connector=aiohttp.TCPConnector(limit=workers),
    ) as session:

        async def worker(index: int) -> None:
            nonlocal turns, errors
            step = index
            while time.monotonic() < deadline:
                body = {
                    "sender": f"tp-{run}-{index}",
                    "message": SCRIPT[step % len(SCRIPT)],
                }
                step += 1
                try:
                    async with session.post(
                        f"{url}/webhooks/rest/webhook", json=body
                    ) as response:
                        payload = await response.json(content_type=None)
                        if (
                            response.status != 200
                            or not payload
                            or [m.get("text") for m in payload] == [ERROR_TEXT]
                        ):
                            errors += 1
                        else:
                            turns += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(workers)))
        elapsed = time.monotonic() - started
    return {
        "workers": workers,
        "seconds": round(elapsed, 1),
        "turns": turns,
        "errors": errors,
        "turns_per_second": round(turns / elapsed, 1),
    }


# ---------------------------------------------------------------- cold start
def cold_start(stack: Stack) -> float:
    """Seconds from launching the servers to the first answered message."""
    import urllib.request

    started = time.monotonic()
    stack.start(web=False, wait=False)
    body = json.dumps(
        {"sender": "cold-start", "message": "how long is a session?"}
    ).encode()
    while time.monotonic() - started < 300:
        try:
            request = urllib.request.Request(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                if "30 minutes" in response.read().decode():
                    return round(time.monotonic() - started, 1)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server never answered")


# ------------------------------------------------------------------ training
def training_times(workdir: Path) -> Dict[str, float]:
    """From scratch (empty cache), then after changing one response text."""
    env = dict(
        os.environ,
        RASA_CACHE_DIRECTORY=str(workdir / "cache"),
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
        PYTHONHASHSEED="0",
    )
    changed = workdir / "domain-changed"
    shutil.copytree(ROOT / "domain", changed)
    general = changed / "general.yml"
    text = yaml.safe_load(general.read_text())["responses"]["utter_thank"][0]["text"]
    general.write_text(general.read_text().replace(text, text + " (benchmark edit)"))
    times = {}
    for label, domain_file in (
        ("train_full_s", "domain"),
        ("train_response_only_s", str(changed)),
    ):
        started = time.monotonic()
        subprocess.run(
            [
                str(PYTHON),
                "-m",
                "rasa",
                "train",
                "--domain",
                domain_file,
                "--out",
                str(workdir / "models"),
                "--fixed-model-name",
                label,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times[label] = round(time.monotonic() - started, 1)
    return times


# ----------------------------------------------------------------------- NLU
def nlu_figures(
    parse: Callable[[str], Dict[str, Any]], limit: Optional[int]
) -> Dict[str, Any]:
    heldout = read_examples(HELDOUT)[:limit]
    report = evaluate(heldout, parse)
    oos = read_examples(OUT_OF_SCOPE)[:limit]
    recalled = sum(1 for text, _ in oos if labels_of(parse(text))[1] == "out_of_scope")
    real = evaluate(read_examples(REALWORLD_TEST)[:limit], parse)
    return {
        **report.as_dict(),
        "out_of_scope_recall": round(recalled / len(oos), 3),
        "out_of_scope_messages": len(oos),
        "realworld": {
            **real.as_dict(),
            "out_of_scope_recall": round(real.out_of_scope_recall, 3),
            "answered_by_label": real.answered_by_label(),
        },
    }


# ---------------------------------------------------------------------- plots
def plots(figures: Dict[str, Any], latency: Dict[str, Any], out: Path) -> List[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    keys = [k for k in latency if latency[k]["samples"]]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.boxplot([latency[k]["samples"] for k in keys], labels=keys, showfliers=False)
    ax.set_ylabel("ms (log scale)")
    ax.set_yscale("log")
    ax.set_title("Latency by turn type @ concurrent conversations")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(out / "latency.png")
    names.append("latency.png")

    per_label = figures["nlu"]["per_label"]
    labels = sorted(per_label)
    accuracy = [
        per_label[label].get("correct", 0) / per_label[label]["total"]
        for label in labels
    ]
    fig, ax = plt.subplots(figsize=(10, 6))
    ax.barh(labels, accuracy, color="#2f6f5e")
    ax.set_xlim(0, 1)
    ax.set_title("Held-out top-1 accuracy per intent / FAQ topic")
    fig.tight_layout()
    fig.savefig(out / "accuracy_per_label.png")
    names.append("accuracy_per_label.png")

    confusions = Counter({(e, p): n for e, p, n in figures["nlu"]["confusions"]})
    axes = sorted(set(labels) | {p for _, p in confusions})
    index = {label: i for i, label in enumerate(axes)}
    grid = [[0] * len(axes) for _ in axes]
    for label in labels:
        grid[index[label]][index[label]] = per_label[label].get("correct", 0)
    for (expected, predicted), n in confusions.items():
        grid[index[expected]][index[predicted]] += n
    fig, ax = plt.subplots(figsize=(11, 10))
    ax.imshow(grid, cmap="Greens")
    ax.set_xticks(range(len(axes)), axes, rotation=90, fontsize=7)
    ax.set_yticks(range(len(axes)), axes, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title("Held-out confusions")
    fig.tight_layout()
    fig.savefig(out / "confusion.png")
    names.append("confusion.png")
    plt.close("all")
    return names


def ms(row: Dict[str, Any]) -> str:
    return f"{row['p95']} ms" if row.get("p95") is not None else "not measured"


def summary_rows(figures: Dict[str, Any]) -> List[Tuple[str, str, str]]:
    """(figure, value, target) rows of the report's main table."""
    nlu, lat = figures["nlu"], figures["latency"]
    faq20, parse20 = lat.get("faq_turn@20", {}), lat.get("bare_parse@20", {})
    ratio = (
        f" = {faq20['p95'] / parse20['p95']:.2f} x parse"
        if faq20.get("p95") and parse20.get("p95")
        else ""
    )
    rows = [
        (
            "held-out top-1 accuracy",
            f"{nlu['accuracy']:.3f} ({nlu['total']} messages)",
            TARGETS["heldout_accuracy"],
        ),
        (
            "answered correctly (after fallback guards)",
            f"{nlu['answered_accuracy']:.3f}",
            "",
        ),
        (
            'wrong answers / "Did you mean"',
            f"{nlu['wrong_answer_rate']:.3f} / {nlu['fallback_rate']:.3f}",
            TARGETS["wrong_answer_rate"],
        ),
        (
            "out-of-scope recall",
            f"{nlu['out_of_scope_recall']:.3f} ({nlu['out_of_scope_messages']} "
            f"messages)",
            TARGETS["out_of_scope_recall"],
        ),
        (
            "FAQ turn p95 @ 20 conversations (paced)",
            ms(faq20) + ratio,
            TARGETS["faq_p95_ms_at_20"],
        ),
        ("bare parse p95 @ 20 conversations (paced)", ms(parse20), ""),
        (
            "cold start (launch to first answer)",
            f"{figures['cold_start_s']} s",
            TARGETS["cold_start_s"],
        ),
    ]
    for key in ("train_full_s", "train_response_only_s"):
        if key in figures:
            rows.append((key.replace("_", " "), f"{figures[key]} s", TARGETS[key]))
    tp = figures["throughput"]
    rows.append(
        (
            f"throughput, {tp['workers']} conversations (closed)",
            f"{tp['turns_per_second']} turns/s over {tp['seconds']} s, {tp['errors']} "
            f"errors",
            "0 errors",
        )
    )
    rows.append(
        (
            "peak RSS per Rasa replica / action server",
            f"{figures['rss_mb']['rasa']} / {figures['rss_mb']['actions']} MB",
            TARGETS["rss_per_replica_mb"],
        )
    )
    widget = figures.get("widget")
    if widget:
        for key, label in (("first_s", "first"), ("follow_up_s", "follow_up")):
            rows.append(
                (
                    f"widget in Chromium, Enter to the {label.replace('_', '-')} "
                    "answer (median / max)",
                    f"{widget[key]['median']} / {widget[key]['max']} s",
                    TARGETS[f"widget_{label}_s"],
                )
            )
    return rows


def _medicine(real: Dict[str, Any]) -> str:
    counts = real["per_label"].get("out_of_scope/medicine") or {}
    return f"{counts.get('answered', 0)}/{counts.get('total', 0)}"


def realworld_section(real: Optional[Dict[str, Any]]) -> str:
    """Real patients' questions (tests/realworld/nlu_test.yml), beside the team's own
    held-out set above: answered right, wrong, fallbacks, top-3, per label and the
    confusions."""
    if not real:
        return ""
    text = (
        f"\n\n## Real patients' questions (test split, {real['total']} messages)\n\n"
        "| figure | value | goal |\n|---|---|---|\n"
        f"| answered right | {real['answered_accuracy']:.3f} | >= 0.92 |\n"
        f"| wrong answers | {real['wrong_answer_rate']:.3f} | <= 0.02 |\n"
        f'| fallback ("Did you mean") | {real["fallback_rate"]:.3f} | |\n'
        f"| right label among the offered candidates (of fallbacks) | "
        f"{real['candidate_rate']:.3f} | >= 0.97 |\n"
        f"| right label among the 3 best | {real['top3_rate']:.3f} | |\n"
        f"| out-of-scope recall | {real['out_of_scope_recall']} | >= 0.95 |\n"
        f"| medicine questions given the medicine answer | {_medicine(real)} | all |\n"
        f"| weakest label (answered right) | "
        f"{min(real['answered_by_label'].items(), key=lambda kv: kv[1])} | >= 0.80 |\n"
    )
    text += "\n| label | messages | answered right |\n|---|---|---|\n"
    for label, share in sorted(real["answered_by_label"].items()):
        total = real["per_label"][label]["total"]
        text += f"| {label} | {total} | {share:.2f} |\n"
    text += "\nMost frequent confusions (expected -> top-1):\n\n"
    text += "\n".join(f"- {n} x {e} -> {p}" for e, p, n in real["confusions"][:12])
    return text


def markdown(figures: Dict[str, Any], baseline: Optional[Dict[str, Any]] = None) -> str:
    rows = summary_rows(figures)
    before = dict((a, b) for a, b, _ in summary_rows(baseline)) if baseline else {}
    text = "# Benchmark\n\n" + f"Run {figures['when']} on {os.cpu_count()} cores.\n\n"
    if baseline:
        label = baseline.get("label") or "the baseline"
        text += f'"before" is {label}, run {baseline["when"]}.\n\n'
        text += "| figure | before | now | goal |\n|---|---|---|---|\n"
        text += "\n".join(
            f"| {a} | {before.get(a, '')} | {b} | {c} |" for a, b, c in rows
        )
    else:
        text += "| figure | value | goal |\n|---|---|---|\n"
        text += "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    text += bench_load.markdown(figures["load"]) if figures.get("load") else ""
    text += bench_widget.markdown(figures["widget"]) if figures.get("widget") else ""
    text += realworld_section(figures["nlu"].get("realworld"))
    if figures.get("safety_test"):
        text += (
            "\n\n## Safety on real messages, test split (tests/realworld/"
            "safety_test.yml; scripts/safety_eval.py)\n\n"
            + "\n".join(safety_eval.table(figures["safety_test"]))
        )
    for key, title in (
        (
            "screen_test",
            "The screen on real descriptions, test split (screen_test.yml)",
        ),
        ("languages_test", "Other languages, test split (languages_test.yml)"),
    ):
        if figures.get(key):
            text += f"\n\n## {title}\n\n" + "\n".join(f"- {x}" for x in figures[key])
    text += encoder_section(figures.get("encoder_ms"))
    if figures.get("variants"):
        text += (
            "\n\n## NLU variants (scripts/nlu_variants.py: 5-fold CV of the training "
            "data, the real-world dev split, the team's held-out set)\n\n"
            + "\n".join(figures["variants"])
        )
    if figures.get("startup"):
        text += (
            "\n\n## Where start-up time goes (s, one process each)\n\n"
            "| step | s |\n|---|---|\n"
        )
        text += "\n".join(f"| {k} | {v} |" for k, v in figures["startup"].items())
    think = figures.get("think_seconds")
    text += (
        f"\n\n## Latency (ms)\n\npaced: each conversation pauses "
        f"{think[0]}-{think[1]} s between "
        "turns; closed: no pause (saturation).\n\n"
    )
    text += "| turn @ conversations | p50 | p95 | p99 | n | errors |"
    text += " before p50 | before p95 |" if baseline else ""
    text += "\n|---|---|---|---|---|---|" + ("---|---|" if baseline else "") + "\n"
    for key, value in figures["latency"].items():
        text += (
            f"| {key} | {value['p50']} | {value['p95']} | {value['p99']} | "
            f"{value['n']} | {value['errors']} |"
        )
        if baseline:
            old = baseline["latency"].get(key, {})
            text += f" {old.get('p50', '')} | {old.get('p95', '')} |"
        text += "\n"
    text += (
        "\n![latency](latency.png) ![accuracy](accuracy_per_label.png) "
        "![confusion](confusion.png)\n"
    )
    return text


# ------------------------------------------------- sentence encoder, variants
ENCODER_LENGTHS = (16, 128, 256)  # tokens: a typical question, the classifier's cut,
# the emergency net's cut


def encoder_latency(runs: int) -> Dict[str, Dict[str, Optional[float]]]:
    """The MiniLM forward pass on one thread, as the server runs it, per length."""
    from nlp.minilm import MiniLM

    encoder = MiniLM(threads=1)
    result = {}
    for tokens in ENCODER_LENGTHS:
        # "massage" is one word piece; [CLS] and [SEP] make up the rest
        ids = encoder.story("massage " * (tokens - 2), limit=tokens)
        assert len(ids) == tokens
        encoder.encode([ids])  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            encoder.encode([ids])
            times.append((time.perf_counter() - started) * 1000)
        result[f"{tokens} tokens"] = percentiles(times)
    return result


def encoder_section(encoder: Optional[Dict[str, Any]]) -> str:
    if not encoder:
        return ""
    lines = [
        "\n\n## Sentence encoder (all-MiniLM-L6-v2, int8 ONNX, one thread), ms\n",
        "| message | p50 | p95 | bound |",
        "|---|---|---|---|",
    ]
    bounds = {"16 tokens": "p95 <= 15", "128 tokens": "p95 <= 100"}
    for length, value in encoder.items():
        lines.append(
            f"| {length} | {value['p50']} | {value['p95']} | {bounds.get(length, '')} |"
        )
    return "\n".join(lines)


def nlu_variant_table() -> List[str]:
    from scripts.nlu_variants import Thresholds, variant_table

    lines = []
    for line in variant_table(Thresholds.from_config()):
        print(line, flush=True)
        lines.append(line)
    return lines


# --------------------------------------------------------- start-up breakdown
STARTUP_PROBE = """
import time, json, sys
t = time.perf_counter(); import tensorflow; tf_import = time.perf_counter() - t
t = time.perf_counter(); from rasa.core.agent import Agent; import rasa.core.run
rasa_import = time.perf_counter() - t
t = time.perf_counter(); agent = Agent.load(sys.argv[1]); load = time.perf_counter() - t
print(json.dumps({"import tensorflow": round(tf_import, 1),
                  "import rasa (after tensorflow)": round(rasa_import, 1),
                  "unpack and load the model (graph warm-up included)": round(load,
                  1)}))
"""


def startup_breakdown(stack: Stack) -> Dict[str, float]:
    """Seconds spent importing TensorFlow, importing Rasa and loading the model."""
    result = subprocess.run(
        [str(PYTHON), "-c", STARTUP_PROBE, "models/clinic.tar.gz"],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench")
    parser.add_argument(
        "--tiny", action="store_true", help="a few requests of each kind"
    )
    parser.add_argument(
        "--no-train", action="store_true", help="skip the training runs"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a bench.json from an earlier run: shown as 'before' beside this run",
    )
    parser.add_argument(
        "--label", default="", help="a name for this run (shown when it is a baseline)"
    )
    parser.add_argument(
        "--no-variants", action="store_true", help="skip the NLU variant table"
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="only the load through nginx, 1 and 2 replicas (scripts/bench_load.py)",
    )
    parser.add_argument("--out", default=str(ROOT / "reports"))
    args = parser.parse_args(argv)
    if args.load_only:
        return load_only(Path(args.out))
    levels, closed_levels, per_worker = (
        ([1, 2], [2], 3) if args.tiny else ([1, 10, 20, 50], [20], 20)
    )
    think = (0.01, 0.05) if args.tiny else THINK_SECONDS
    tp_workers, tp_seconds = (2, 3) if args.tiny else (20, 60)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    figures: Dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "tiny": args.tiny,
        "label": args.label,
        "think_seconds": list(think),
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    stack = local_stack(workdir)
    try:
        if not args.tiny:
            figures["startup"] = startup_breakdown(stack)
            print(f"start-up: {figures['startup']}", flush=True)
        figures["cold_start_s"] = cold_start(stack)
        print(f"cold start: {figures['cold_start_s']} s", flush=True)
        figures["nlu"] = nlu_figures(
            http_parser(stack.rasa_url, stack.token), 20 if args.tiny else None
        )
        print(
            f"held-out accuracy {figures['nlu']['accuracy']:.3f}, "
            f"out-of-scope recall {figures['nlu']['out_of_scope_recall']:.3f}",
            flush=True,
        )
        # the safety gate on the test split of real messages (read here, once per
        # bench, never by make test: scripts/safety_eval.py)
        safety = safety_eval.figures(
            safety_eval.read_items("test"), http_parser(stack.rasa_url, stack.token)
        )  # figures only: the test split's misses are not for tuning
        figures["safety_test"] = {
            language: {k: v for k, v in f.items() if k != "misses"}
            for language, f in safety.items()
        }
        # the screen's and the languages' test splits, likewise (never in make test)
        parse = http_parser(stack.rasa_url, stack.token)
        figures["screen_test"] = screen_eval.evaluate(
            screen_eval.read_items("test"),
            lambda text: screen_eval.reading_of_parse(parse(text)),
        ).lines()
        figures["languages_test"] = language_eval.evaluate(
            language_eval.read_items("test"), parse
        ).lines()
        latency = asyncio.run(
            latency_table(
                stack.rasa_url, stack.token, levels, closed_levels, per_worker, think
            )
        )
        figures["throughput"] = asyncio.run(
            throughput(stack.rasa_url, tp_workers, tp_seconds)
        )
        figures["rss_mb"] = {
            "rasa": peak_rss_mb(
                stack.processes[f"rasa-{stack.settings.rasa_ports[0]}"].pid
            ),
            "actions": peak_rss_mb(stack.processes["actions"].pid),
        }
    finally:
        stack.stop()
    # the load as `make run` serves it, 1 and 2 replicas, nothing else running
    if not args.tiny:
        figures["load"] = bench_load.replica_runs(workdir, faq_questions())
        figures["widget"] = bench_widget.run(workdir / "widget")
        print(f"widget: {figures['widget']}", flush=True)
    # in-process figures, with the servers stopped: nothing else on the cores
    figures["encoder_ms"] = encoder_latency(10 if args.tiny else 100)
    print(f"encoder: {figures['encoder_ms']}", flush=True)
    if not args.tiny and not args.no_variants:
        figures["variants"] = nlu_variant_table()
    if not args.tiny and not args.no_train:
        print("training from scratch, then after a response-text change...", flush=True)
        figures.update(training_times(workdir))
    figures["plots"] = plots(figures, latency, out)
    figures["latency"] = {
        k: {kk: vv for kk, vv in v.items() if kk != "samples"}
        for k, v in latency.items()
    }
    (out / "bench.json").write_text(json.dumps(figures, indent=2))
    report = markdown(figures, baseline)
    (out / "bench.md").write_text(report)
    shutil.rmtree(workdir, ignore_errors=True)
    print(report)
    return 0


def load_only(out: Path) -> int:
    """`--load-only`: the load section alone, written to reports/load.md and .json."""
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        results = bench_load.replica_runs(workdir, faq_questions())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    (out / "load.json").write_text(json.dumps(results, indent=2))
    report = "# Load" + bench_load.markdown(results)
    (out / "load.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
