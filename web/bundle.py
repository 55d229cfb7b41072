"""Make the rasa-webchat bundle load nothing from other sites and log nothing.

- rasa-webchat@1.0.1 imports its font from Google Fonts in its CSS. The demo page serves
  the same font itself (web/static/inter.css, files from @fontsource/inter), so the
  bundle imports that instead: the page works offline and its CSP stays 'self'.
- Its socket code logs the socket id and the conversation's session id to the browser
  console on every connection (debug leftovers). The session id is the key to the
  conversation, so those three calls become `void 0`.
`make web` runs this after fetching and checking both npm packages.

Usage: python -m web.bundle SOURCE_JS TARGET_JS
"""

from __future__ import annotations

import sys
from pathlib import Path

GOOGLE_FONT_IMPORT = "@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
LOCAL_FONT_IMPORT = "@import url(/static/inter.css);"
DEBUG_LOGS = (
    'console.log("connect:".concat(o.id))',
    'console.log("session_confirm:".concat(o.socket.id," session_id:").concat(a))',
    'console.log("sending init payload",l)',
)


def localise(bundle: str) -> str:
    if GOOGLE_FONT_IMPORT not in bundle:
        raise ValueError(
            "the widget bundle no longer imports its font from Google Fonts: "
            "check web/bundle.py against the new bundle"
        )
    bundle = bundle.replace(GOOGLE_FONT_IMPORT, LOCAL_FONT_IMPORT)
    for call in DEBUG_LOGS:
        if bundle.count(call) != 1:
            raise ValueError(
                f"expected the widget's debug log {call!r} once: check "
                "web/bundle.py against the new bundle"
            )
        bundle = bundle.replace(call, "void 0")
    return bundle


def main() -> None:
    source, target = (Path(arg) for arg in sys.argv[1:3])
    temporary = target.with_suffix(".tmp")
    temporary.write_text(localise(source.read_text(encoding="utf-8")), encoding="utf-8")
    temporary.replace(target)


if __name__ == "__main__":
    main()
