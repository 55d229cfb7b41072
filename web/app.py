"""Serve the demo clinic page, the rasa-webchat bundle and its font, all from this
machine.

The bundle (rasa-webchat@1.0.1, lib/index.js) and the font (@fontsource/inter) are
fetched from the npm registry by `make web` into build/web, and the bundle is rewritten
to take its font from here (web/bundle.py): the page loads nothing from any other site.

Usage: python -m web.app [--port 8080] [--socket-url http://localhost:5005]
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import html
import json
import os
from datetime import timedelta
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic import clock, facts, keys
from clinic.booking import calendar_feed
from clinic.booking.store import BookingStore, StoreUnavailable
from clinic.facts import clinic_slots

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "web"
BUNDLE = BUILD / "webchat.js"
FONTS = BUILD / "fonts"
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html"
CACHE = {"Cache-Control": "max-age=3600"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; "
    "connect-src 'self' {socket} {socket_ws}; "
    "img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


PRIVATE = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
FEED_DAYS_BACK = 30  # past bookings the feed still shows


def bookings_feed() -> bytes:
    """The feed's body: open and handled bookings from a month back on (blocking)."""
    store = BookingStore()
    since = clock.now() - timedelta(days=FEED_DAYS_BACK)
    records = [
        r
        for r in store.open_records(include_handled=True)
        if r.kind == "booking"
        and r.status != "cancelled"
        and r.starts_at is not None
        and r.starts_at >= since
    ]
    availability = facts.availability()
    minutes = int(availability.length.total_seconds() // 60) if availability else 30
    return calendar_feed.feed(records, minutes, clinic_slots()["clinic_name"])


def render_page(socket_url: str) -> str:
    facts = clinic_slots()
    page = TEMPLATE.read_text(encoding="utf-8")
    # HTML-escaped for the page's text, JSON-encoded for the widget's script
    return (
        page.replace("{{clinic_name_json}}", json.dumps(facts["clinic_name"]))
        .replace("{{clinic_name}}", html.escape(facts["clinic_name"]))
        .replace("{{clinic_city}}", html.escape(facts["clinic_city"]))
        .replace("{{socket_url_json}}", json.dumps(socket_url))
    )


def create_app(socket_url: str) -> Sanic:
    app = Sanic("clinic_web")
    page = render_page(socket_url)
    ws_url = socket_url.replace("http://", "ws://").replace("https://", "wss://")
    headers = {
        k: v.format(socket=socket_url, socket_ws=ws_url)
        for k, v in SECURITY_HEADERS.items()
    }

    @app.get("/")
    async def index(_: Request) -> HTTPResponse:
        return response.html(page, headers=headers)

    @app.get("/static/webchat.js")
    async def bundle(_: Request) -> HTTPResponse:
        if not BUNDLE.exists():
            return response.text("Chat widget not built: run `make web`.", status=503)
        return await response.file(
            BUNDLE, mime_type="application/javascript", headers=CACHE
        )

    @app.get("/static/inter.css")
    async def font_stylesheet(_: Request) -> HTTPResponse:
        return await response.file(
            STATIC / "inter.css", mime_type="text/css", headers=CACHE
        )

    @app.get("/static/typing.js")
    async def typing_dots(_: Request) -> HTTPResponse:
        return await response.file(
            STATIC / "typing.js", mime_type="application/javascript", headers=CACHE
        )

    @app.get("/static/fonts/<name:str>")
    async def font(_: Request, name: str) -> HTTPResponse:
        path = FONTS / name
        if "/" in name or not name.endswith(".woff2") or not path.is_file():
            return response.text("Not found.", status=404)
        return await response.file(path, mime_type="font/woff2", headers=CACHE)

    @app.get("/staff/calendar/<token:str>/bookings.ics")
    async def calendar(_: Request, token: str) -> HTTPResponse:
        """The bookings feed staff's calendar apps subscribe to; the token in its
        address is the CLINIC_FEED_TOKEN secret (`make staff ARGS=feed-url`)."""
        if not hmac.compare_digest(
            token.encode(), keys.value(keys.FEED_TOKEN).encode()
        ):
            return response.text("Not found.", status=404)
        try:
            body = await asyncio.to_thread(bookings_feed)
        except StoreUnavailable:
            return response.text("The bookings cannot be read right now.", status=503)
        return response.raw(
            body,
            content_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "no-store", **PRIVATE},
        )

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok", "widget": BUNDLE.exists()})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("WEB_PORT", 8080))
    )
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    parser.add_argument(
        "--socket-url",
        default=os.environ.get("RASA_SOCKET_URL", "http://localhost:5005"),
    )
    args = parser.parse_args()
    create_app(args.socket_url).run(
        host=args.host, port=args.port, access_log=False, workers=1
    )


if __name__ == "__main__":
    main()
