"""Serve the demo clinic page and its chat, all from this machine.

The chat is the page's own client (web/static/chat.js, chat.css) of Rasa's socket.io
channel, on the maintained socket.io-client library, which `make web` fetches from the
npm registry (pinned, sha1-checked) into build/web: the page loads nothing from any
other site and runs no inline script.

Usage: python -m web.app [--port 8080] [--socket-url http://localhost:5005]
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import html
from datetime import timedelta
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic import clock, facts, keys
from clinic.booking import calendar_feed
from clinic.booking.store import BookingStore, StoreUnavailable
from clinic.facts import clinic_slots
from clinic.settings import settings

ROOT = Path(__file__).resolve().parent.parent
SOCKET_CLIENT = ROOT / "build" / "web" / "socket.io.min.js"
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html"
CACHE = {"Cache-Control": "max-age=3600"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; "
    "connect-src 'self' {socket} {socket_ws}; "
    "img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# the page's own files (web/static), by name and type
STATIC_FILES = {"chat.js": "application/javascript", "chat.css": "text/css"}


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
    return (
        page.replace("{{clinic_name}}", html.escape(facts["clinic_name"]))
        .replace("{{clinic_city}}", html.escape(facts["clinic_city"]))
        .replace("{{socket_url}}", html.escape(socket_url))
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

    @app.get("/static/socket.io.min.js")
    async def socket_client(_: Request) -> HTTPResponse:
        if not SOCKET_CLIENT.exists():
            return response.text("Chat client not built: run `make web`.", status=503)
        return await response.file(
            SOCKET_CLIENT, mime_type="application/javascript", headers=CACHE
        )

    @app.get("/static/<name:str>")
    async def static_file(_: Request, name: str) -> HTTPResponse:
        if name not in STATIC_FILES:
            return response.text("Not found.", status=404)
        return await response.file(
            STATIC / name, mime_type=STATIC_FILES[name], headers=CACHE
        )

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
        return response.json({"status": "ok", "widget": SOCKET_CLIENT.exists()})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    config = settings()
    parser.add_argument("--port", type=int, default=config.web_port)
    parser.add_argument("--host", default=config.web_host)
    parser.add_argument(
        "--socket-url", default=config.rasa_socket_url or "http://localhost:5005"
    )
    args = parser.parse_args()
    create_app(args.socket_url).run(
        host=args.host, port=args.port, access_log=False, workers=1
    )


if __name__ == "__main__":
    main()
