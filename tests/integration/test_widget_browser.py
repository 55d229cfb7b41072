"""The demo page in headless Chromium, driven like a patient would."""
import shutil
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: `make test` installs it (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        yield page
        browser.close()


def bot_texts(page):
    return " ".join(page.locator(".rw-response").all_inner_texts())


def wait_for_answer(page, text, timeout=60_000):
    """Selector-based wait: the page's CSP (no eval) rules out wait_for_function."""
    page.locator(".rw-response", has_text=text).first.wait_for(timeout=timeout)


def test_chat_widget_answers_buttons_and_keeps_history_after_reload(servers, page):
    page.goto(servers.web_url + "/")
    assert "Therapeutic massage in Encinitas" in page.inner_text("h1")
    page.click(".rw-launcher")
    page.wait_for_selector(".rw-response", timeout=60_000)  # greeting after /greet
    assert page.inner_text(".rw-title") == "Revive PT & Pilates"
    box = page.locator(".rw-new-message")
    box.fill("what should I wear?")
    box.press("Enter")
    wait_for_answer(page, "everyday clothing is fine")
    page.locator(".rw-reply", has_text="What happens in a session?").last.click()
    wait_for_answer(page, "towel and lie on a massage table")
    box.fill("<b>bold</b><img src=x onerror=alert(1)>")
    box.press("Enter")
    page.wait_for_timeout(1500)
    assert page.locator(".rw-client b").count() == 0, "user text rendered as HTML"
    assert page.locator(".rw-client img").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget.png"))

    page.reload()
    page.wait_for_selector(".rw-launcher, .rw-conversation-container", timeout=30_000)
    if page.locator(".rw-conversation-container").count() == 0:
        page.click(".rw-launcher")
    wait_for_answer(page, "everyday clothing is fine", timeout=30_000)
    assert "towel and lie on a massage table" in bot_texts(page)
