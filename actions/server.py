"""The action server's entry point: rasa-sdk's server for the actions in this package.

    python -m actions.server [--host 127.0.0.1] [--port 5055] [--debug]

Differences from `rasa run actions`:
- it listens on 127.0.0.1 unless told otherwise (ACTION_SERVER_HOST or --host): only the
  Rasa server calls it, so nothing else on the network needs to reach it;
- no CORS: rasa-sdk allows every web origin by default, but no browser ever calls it.
"""
from __future__ import annotations

import argparse
import logging
import os
from typing import List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from sanic import Sanic

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055


def create_app() -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    return create_sdk_app("actions", cors_origins=None)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST") or DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level")
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.debug else logging.INFO
    utils.configure_colored_logging(level)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(level)
    utils.update_sanic_log_level()
    app = create_app()
    logging.getLogger(__name__).info("Action server on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
