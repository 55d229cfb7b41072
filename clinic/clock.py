"""The clinic's clock: the real one, or a test clock that starts at a chosen moment.

CLINIC_CLOCK_START (an ISO time with its offset) makes every process of a stack live
as if it had started at that moment: the clock then runs on in real time from there.
Tests pin the stack to a known weekday this way, so "tomorrow at 10am" means the same
thing on any day the tests run; nothing else changes. Unset, it is the real clock.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Optional

START_VARIABLE = "CLINIC_CLOCK_START"
_STARTED_AT = time.time()


def now(zone: Optional[tzinfo] = None) -> datetime:
    """The current time in `zone` (UTC by default)."""
    zone = zone or timezone.utc
    start = os.environ.get(START_VARIABLE, "").strip()
    if not start:
        return datetime.now(zone)
    moment = datetime.fromisoformat(start)
    if moment.tzinfo is None:
        raise ValueError(
            f"{START_VARIABLE} needs an offset, like 2027-01-04T06:00-08:00"
        )
    return (moment + timedelta(seconds=time.time() - _STARTED_AT)).astimezone(zone)
