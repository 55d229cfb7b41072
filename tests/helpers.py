"""Small helpers shared by the tests: project paths and talking to servers."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "clinic.tar.gz"


def domain() -> Dict[str, Any]:
    """The domain's files merged (responses, slots, forms...), as Rasa reads the
    folder."""
    from clinic.domain import merged

    return merged()


def says(reply: str, response: str, **values: str) -> bool:
    """Whether a reply holds the domain's text of `response` (its first variant, as the
    REST channel gets it), with `values` filled in: the wording lives in the domain
    only, so a copy edit changes one file. A placeholder without a value matches
    anything."""
    return _fills(reply, domain()["responses"][response][0]["text"], values)


def opening(response: str) -> str:
    """The fixed start of a response's (first) text, up to its first placeholder or
    line break: what a test looks for without copying the wording, which staff may
    edit in the domain ("Please check your booking:")."""
    text = domain()["responses"][response][0]["text"]
    return re.split(r"\{|\n", text, maxsplit=1)[0].strip()


def says_any(reply: str, response: str, **values: str) -> bool:
    """Whether a reply holds any variant of `response` (responses whose wording
    depends on a slot, such as whether clinic.yml lists a phone number)."""
    return any(
        _fills(reply, variant["text"], values)
        for variant in domain()["responses"][response]
    )


def says_in(reply: str, response: str, language: str, **values: str) -> bool:
    """Whether a reply holds the domain's variant of `response` for a conversation in
    `language` (the variant whose condition is that `message_language`)."""
    return any(
        _fills(reply, variant["text"], values)
        for variant in domain()["responses"][response]
        for condition in variant.get("condition") or []
        if condition.get("name") == "message_language"
        and condition.get("value") == language
    )


def _fills(reply: str, template: str, values: Dict[str, str]) -> bool:
    import re

    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(part)
        if i % 2 == 0
        else re.escape(values[part])
        if part in values
        else ".*?"
        for i, part in enumerate(parts)
    )
    return re.search(pattern, reply, re.DOTALL) is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(
    url: str,
    body: Optional[Any] = None,
    timeout: float = 30.0,
    raw: Optional[bytes] = None,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    """POST (or GET when there is no body) and return (status, decoded JSON or text)."""
    data = (
        raw
        if raw is not None
        else (json.dumps(body).encode() if body is not None else None)
    )
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode("utf-8", "replace")


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("text", "") for m in messages]


def buttons(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for m in messages for b in m.get("buttons", [])]


def rest_text(rasa_url: str, sender: str, message: str) -> str:
    """One turn through a Rasa server's REST channel; the replies joined as one text."""
    status, body = http_json(
        f"{rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": message}
    )
    assert status == 200, body
    return " ".join(texts(body))
