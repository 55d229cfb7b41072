"""Fixtures of the browser tests."""

from pathlib import Path

import pytest

from scripts import bench_widget

CHROMIUM = bench_widget.CHROMIUM


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: `make test` installs it (make browser)")
    with sync_playwright() as playwright:
        browser = bench_widget.launch_browser(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.console_errors = []
        page.on(
            "console",
            lambda m: m.type == "error" and page.console_errors.append(m.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        page.socket_origin_headers = []
        page.on(
            "response",
            lambda response: (
                "/socket.io/" in response.url
                and page.socket_origin_headers.append(
                    [
                        h["value"]
                        for h in response.headers_array()
                        if h["name"].lower() == "access-control-allow-origin"
                    ]
                )
            ),
        )
        yield page
        browser.close()
