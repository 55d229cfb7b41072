"""Redis lock store when REDIS_URL is set (several Rasa replicas), else in-memory."""

from __future__ import annotations

import os
from typing import Any, Optional

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis import Redis


class ClinicLockStore:
    """A factory Rasa loads by module path: it returns the right lock store."""

    def __new__(
        cls, endpoint_config: Optional[EndpointConfig] = None, **_: Any
    ) -> LockStore:
        url = os.environ.get("REDIS_URL")
        if not url:
            return InMemoryLockStore()
        client = Redis.from_url(url)
        options = client.connection_pool.connection_kwargs
        return RedisLockStore(
            host=options.get("host", "localhost"),
            port=options.get("port", 6379),
            db=options.get("db", 0),
            password=options.get("password"),
            key_prefix=os.environ.get("REDIS_LOCK_PREFIX") or None,
        )
