"""The action server's entry point: rasa-sdk's server for the actions in this package.

    python -m actions.server [--host 127.0.0.1] [--port 5055] [--debug]

Differences from `rasa run actions`, because every port is public:
- every call but /health must carry the Rasa server's shared secret
  (`Authorization: Bearer <ACTION_SERVER_SECRET>`, endpoints.yml sends it); a missing or
  wrong one gets 401 before any action code runs. The secret comes from the environment,
  or is generated once into the data folder (clinic/keys.py);
- it listens on 127.0.0.1 unless told otherwise (ACTION_SERVER_HOST or --host), for a
  deployment where the Rasa server runs on another host;
- request bodies are capped (MAX_BODY_BYTES): a call carries one conversation;
- no CORS: rasa-sdk allows every web origin by default, but no browser ever calls it.
"""

from __future__ import annotations

import argparse
import hmac
import logging
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic import keys
from clinic.settings import settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
MAX_BODY_BYTES = 8 * 1024 * 1024
OPEN_PATHS = {"/health"}
logger = logging.getLogger(__name__)


def is_authorised(header: Optional[str], secret: str) -> bool:
    """Constant-time check of `Authorization: Bearer <secret>`."""
    scheme, _, given = (header or "").partition(" ")
    return (
        bool(secret)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), secret.encode())
    )


def create_app(secret: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    app = create_sdk_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.on_request
    async def require_the_rasa_servers_secret(
        request: Request,
    ) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get("Authorization"), secret):
            return None
        logger.warning("Refused a call to %s without the shared secret.", request.path)
        return response.json({"error": "unauthorised"}, status=401)

    return app


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m actions.server", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--host", default=settings().action_server_host)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level")
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.debug else logging.INFO
    utils.configure_colored_logging(level)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(level)
    utils.update_sanic_log_level()
    app = create_app(keys.value(keys.ACTION_SECRET))
    logger.info("Action server on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
