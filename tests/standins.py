"""Local stand-ins for the services reminders go out through, on loopback.

`TwilioMessages` answers Twilio's Create Message endpoint the way Twilio documents it
(POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic auth with the
account SID and auth token, form-encoded To, From and Body; 201 and the message
resource as JSON), refuses what Twilio would refuse, and keeps what it accepted.
`SmtpServer` is a real SMTP server (aiosmtpd) that keeps what it receives.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qsl

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class TwilioMessages:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.accepted: List[Dict[str, str]] = []
        self.refused: List[int] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                status, body = stand_in.create(self)
                if status >= 400:
                    stand_in.refused.append(status)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def create(self, request: BaseHTTPRequestHandler) -> tuple:
        match = MESSAGES_PATH.match(request.path)
        if not match:
            return 404, {
                "code": 20404,
                "message": "The requested resource was not found",
            }
        expected = base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()
        ).decode()
        if (
            match.group(1) != self.account_sid
            or request.headers.get("Authorization") != f"Basic {expected}"
        ):
            return 401, {"code": 20003, "message": "Authenticate"}
        if not request.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return 400, {"code": 21000, "message": "form-encoded body expected"}
        length = int(request.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(request.rfile.read(length).decode()))
        if not E164.match(form.get("To", "")):
            return 400, {"code": 21211, "message": "The 'To' number is not valid"}
        if not form.get("From"):
            return 400, {"code": 21603, "message": "A 'From' phone number is required"}
        if not form.get("Body") or len(form["Body"]) > 1600:
            return 400, {"code": 21617, "message": "Body missing or too long"}
        self.accepted.append(form)
        sid = "SM" + uuid.uuid4().hex
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form["From"],
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def to(self, number: str) -> List[str]:
        return [m["Body"] for m in self.accepted if m["To"] == number]

    def close(self) -> None:
        self.server.shutdown()


class SmtpServer:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: List[Message] = []
        stand_in = self

        class Handler:
            async def handle_DATA(
                self, server: Any, session: Any, envelope: Any
            ) -> str:  # noqa: N802
                stand_in.received.append(
                    message_from_bytes(envelope.content, policy=policy.default)
                )
                return "250 OK"

        from tests.helpers import free_port

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> List[Message]:
        return [m for m in self.received if m["To"] == address]

    def close(self) -> None:
        self.controller.stop()
