"""The website chat by keyboard and screen reader (WCAG 2.1 AA), in Chromium.

axe-core (the axe-playwright-python wheel's axe.min.js) at the WCAG 2.1 A and AA rules
on the demo page with the chat closed, open, after an answer with buttons, and at the
booking's offer of times, at desktop size and at 320 CSS px; a patient who books a
consultation with the keyboard alone; the live region; focus order and a visible focus
ring on every control. The stack is the launcher's, as `make run` starts it.
"""

from __future__ import annotations

import re
from typing import Any, List

import pytest

from scripts import bench_widget
from tests.helpers import opening
from tests.integration.test_widget_browser import (
    answers_in_log,
    open_chat,
    wait_for_answer,
)

pytestmark = pytest.mark.server
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"desktop": (1280, 860), "320px": (320, 640)}


def axe_violations(page: Any) -> List[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, page):
    width, height = SIZES[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return page


def test_no_wcag_21_aa_violation_closed_open_answered_and_at_the_times(
    servers, sized_page
):
    page = sized_page
    page.goto(servers.stack.settings.web_url + "/")
    assert axe_violations(page) == [], "chat closed"
    open_chat(page)
    wait_for_answer(page, "I can answer questions")
    assert axe_violations(page) == [], "chat open, greeted"
    bench_widget.ask(page, "what should I wear?", "everyday clothing is fine")
    assert axe_violations(page) == [], "an answer with buttons"
    bench_widget.ask(page, "I'd like to book a free consultation", "apply to you")
    page.locator(
        ".chat-choices button", has_text=re.compile(r"^\s*No\s*$")
    ).last.click()
    wait_for_answer(page, opening("utter_ask_patient_name"))
    bench_widget.ask(page, "Robin Axe", opening("utter_ask_booking_mode"))
    page.locator(".chat-choices button", has_text="Online").last.click()
    wait_for_answer(page, "mobile number or e-mail")
    bench_widget.ask(page, "robin.axe@example.com", "Here are the nearest open times")
    assert axe_violations(page) == [], "the booking's offer of times"
    # reflow: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "horizontal scrolling"
    )
    assert page.console_errors == []


def focused(page: Any, attribute: str = "textContent") -> str:
    return str(page.evaluate(f"(document.activeElement || {{}}).{attribute} || ''"))


def tab_to(page: Any, text: str, backwards: bool = True, limit: int = 40) -> None:
    """Tab (Shift+Tab by default) until the focused control's text is `text`."""
    for _ in range(limit):
        if focused(page).strip() == text:
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"never reached {text!r}, last: {focused(page)!r}")


def say(page: Any, text: str, answer: str) -> None:
    """Type in the message box (focus is there) and press Enter."""
    assert focused(page, "id") == "chat-input"
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_for_answer(page, answer)
    assert focused(page, "id") == "chat-input", "focus left the box after sending"


def press(page: Any, title: str, answer: str) -> None:
    """From the box, Shift+Tab back to an answer's button and press it with Enter."""
    tab_to(page, title)
    page.keyboard.press("Enter")
    wait_for_answer(page, answer)
    assert focused(page, "id") == "chat-input", "focus lost after a button"


def test_a_keyboard_only_patient_books_a_consultation_and_escape_closes(servers, page):
    from clinic.booking.store import BookingStore

    page.add_init_script(
        "['mousedown','mouseup','click','pointerdown'].forEach(function (kind) {"
        "  window.addEventListener(kind, function (e) {"
        "    if (e.isTrusted && e.detail > 0) { window.pointerUsed = true; }"
        "  }, true);"
        "});"
    )
    page.goto(servers.stack.settings.web_url + "/")
    tab_to(page, "Chat with our assistant", backwards=False)
    page.keyboard.press("Enter")
    wait_for_answer(page, "I can answer questions")
    say(page, "I'd like to book a free consultation", "apply to you")
    press(page, "No", opening("utter_ask_patient_name"))
    say(page, "Kim Keyboard", opening("utter_ask_booking_mode"))
    press(page, "Online", "mobile number or e-mail")
    say(page, "kim.keyboard@example.com", "Here are the nearest open times")
    times = page.locator(".chat-choices button:not([disabled])").all_inner_texts()
    chosen = times[0]
    press(page, chosen, opening("utter_ask_booking_confirm"))
    press(page, "Yes, book it", "Booked!")
    done = page.locator(".chat-msg.bot", has_text="Booked!").last.inner_text()
    reference = done.split("reference is ")[1].split(":")[0]
    record = BookingStore(servers.db_url).find_booking(reference)
    assert record.name == "Kim Keyboard" and record.time_confirmed
    page.keyboard.press("Escape")
    assert page.locator(".chat-panel").is_hidden()
    assert "chat-launcher" in focused(page, "className")
    assert page.evaluate("window.pointerUsed === undefined"), "a pointer was used"
    assert page.console_errors == []


def test_the_live_region_holds_each_answer_once_with_its_buttons(servers, page):
    page.goto(servers.stack.settings.web_url + "/")
    open_chat(page)
    wait_for_answer(page, "I can answer questions")
    bench_widget.ask(page, "what should I wear?", "everyday clothing is fine")
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    text = log.inner_text()
    for answer in answers_in_log(page):
        assert text.count(answer) == 1, answer
    entry = page.locator(".chat-msg.bot", has_text="everyday clothing is fine").last
    group = entry.locator("[role=group]")
    assert group.count() == 1 and group.get_attribute("aria-label")
    assert entry.locator("button").count() >= 2  # its buttons inside, after the text
    # the typing indicator has words for screen readers while it shows
    status = page.locator(".chat-typing[role=status]")
    assert status.count() == 1
    assert page.locator("html").get_attribute("lang") == "en"


def test_every_control_has_a_name_and_a_visible_focus_ring(servers, page):
    page.goto(servers.stack.settings.web_url + "/")
    open_chat(page)
    wait_for_answer(page, "I can answer questions")
    controls = page.locator(
        ".chat-launcher, .chat-close, .chat-log, .chat-choices button, .chat-input,"
        " .chat-send"
    )
    assert controls.count() >= 6
    for index in range(controls.count()):
        control = controls.nth(index)
        control.focus()
        ring = control.evaluate(
            "e => { const s = getComputedStyle(e);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert ring[0] != "none" and ring[1] >= 2, (index, ring)
    # the order Tab follows: the close button, the log, the answer's buttons, the box
    page.locator(".chat-close").focus()
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(focused(page, "className") or focused(page, "tagName"))
    assert order[0].startswith("chat-log"), order
    assert "chat-input" in order and "chat-send" in order, order
    assert order.index("chat-input") < order.index("chat-send"), order


def test_an_answer_in_another_language_is_marked_with_it(servers, page):
    page.goto(servers.stack.settings.web_url + "/")
    open_chat(page)
    wait_for_answer(page, "I can answer questions")
    box = page.locator(".chat-input")
    box.fill("me duele mucho el pecho y no puedo respirar")
    box.press("Enter")
    answer = page.locator(".chat-msg.bot", has_text="911").last
    answer.wait_for(timeout=60_000)
    assert answer.get_attribute("lang") == "es"
    # English answers carry the page's language (no lang of their own)
    assert page.locator(".chat-msg.bot").first.get_attribute("lang") is None
    assert page.console_errors == []
