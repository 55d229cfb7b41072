"""What a patient on the website waits for: Enter to the answer on the page.

Headless Chromium (Debian's, driven by Playwright) opens the demo page, opens the
widget and asks the first question straight away, so the greeting and the privacy
notice arrive in the same wait, then asks two follow-ups. Used by `make bench` (with
`make run`'s shape: two replicas behind nginx) and by the browser test, which holds the
figures to the widget targets.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# (question, a phrase of its answer in domain/faq.yml)
FIRST_TURN = ("how long is a session?", "usually takes about 30 minutes")
FOLLOW_UPS: Tuple[Tuple[str, str], ...] = (
    ("what should I wear?", "everyday clothing is fine"),
    ("does it hurt?", "shouldn't be painful"),
)
# the goals, seconds from Enter to the answer on the page
FIRST_ANSWER_GOAL_S = 1.5
FOLLOW_UP_GOAL_S = 1.0


def ask(page: Any, question: str, answer: str, timeout_ms: int = 30_000) -> float:
    """Type `question`, press Enter, and return the seconds until a bot message holding
    `answer` is visible (a new one, if the same answer is on the page already). The
    text box is filled first: the clock starts at Enter."""
    answers = page.locator(".chat-msg.bot", has_text=answer)
    earlier = answers.count()
    box = page.locator(".chat-input")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    answers.nth(earlier).wait_for(state="visible", timeout=timeout_ms)
    return time.perf_counter() - started


def answer_times(page: Any, page_url: str) -> Dict[str, Any]:
    """Open the page and the widget, ask the first question before the greeting has
    arrived, then the follow-ups; seconds from Enter to each answer."""
    page.goto(page_url)
    page.click(".chat-launcher")
    first = ask(page, *FIRST_TURN)
    follow_ups = [ask(page, *turn) for turn in FOLLOW_UPS]
    return {
        "first_s": round(first, 3),
        "follow_ups_s": [round(s, 3) for s in follow_ups],
    }


def launch_browser(playwright: Any) -> Any:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("chromium missing: `make browser` installs it")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def measure(page_url: str, runs: int = 5) -> Dict[str, Any]:
    """`runs` fresh browser pages (each a new conversation) against a running stack."""
    from playwright.sync_api import sync_playwright

    firsts: List[float] = []
    follow_ups: List[float] = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            for _ in range(runs):
                context = browser.new_context()  # its own session storage
                times = answer_times(context.new_page(), page_url)
                context.close()
                firsts.append(times["first_s"])
                follow_ups.extend(times["follow_ups_s"])
        finally:
            browser.close()
    return {
        "runs": runs,
        "first_s": summary(firsts),
        "follow_up_s": summary(follow_ups),
    }


def summary(values: Sequence[float]) -> Dict[str, Optional[float]]:
    return {
        "median": round(statistics.median(values), 3) if values else None,
        "max": round(max(values), 3) if values else None,
    }


def run(workdir: Optional[Path] = None, runs: int = 5) -> Dict[str, Any]:
    """The figures against a stack of `make run`'s shape (2 replicas behind nginx, the
    demo page), started by the launcher on free ports with data in `workdir`."""
    from scripts.loadtest import local_stack

    own = workdir is None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-widget-"))
    stack = local_stack(workdir, replicas=2, web=True)
    try:
        stack.start()
        return measure(stack.settings.web_url + "/", runs)
    finally:
        stack.stop()
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def markdown(figures: Dict[str, Any]) -> str:
    first, follow = figures["first_s"], figures["follow_up_s"]
    return "\n".join(
        [
            "",
            "## The widget in Chromium (Enter to the answer on the page)",
            "",
            f"{figures['runs']} new conversations through `make run`'s shape (2 "
            "replicas behind nginx, the demo page); the first question is asked as "
            "soon as the widget opens, so its wait includes the greeting and the "
            "privacy notice.",
            "",
            "| turn | median | max | goal |",
            "|---|---|---|---|",
            f"| first answer | {first['median']} s | {first['max']} s | "
            f"<= {FIRST_ANSWER_GOAL_S} s |",
            f"| follow-up | {follow['median']} s | {follow['max']} s | "
            f"<= {FOLLOW_UP_GOAL_S} s |",
            "",
        ]
    )


if __name__ == "__main__":
    import json

    result = run()
    print(json.dumps(result, indent=2))
    print(markdown(result))
