"""Settings Rasa 3.6 hard-codes, applied when the Rasa server loads our channels.

The action-server call waits 5 minutes by default (rasa.core.constants); a patient
would see nothing for that long. ACTION_TIMEOUT (seconds, default 10) caps it: a slow
or stuck action server then gives the patient the channel's apology instead.
"""
from __future__ import annotations

import os

DEFAULT_ACTION_TIMEOUT = 10


def action_timeout() -> int:
    raw = os.environ.get("ACTION_TIMEOUT", "").strip()
    return int(raw) if raw else DEFAULT_ACTION_TIMEOUT


def apply() -> None:
    import rasa.core.actions.action as action_module
    import rasa.utils.endpoints as endpoints_module

    seconds = action_timeout()
    action_module.DEFAULT_REQUEST_TIMEOUT = seconds  # read per call by RemoteAction.run
    endpoints_module.DEFAULT_REQUEST_TIMEOUT = seconds  # the aiohttp session's total timeout
