"""Per-conversation locks: in memory for one server, Redis for several replicas.

Rasa takes a conversation's lock around every turn, so that two messages of one
patient are answered one after the other, each seeing the other's events.

Rasa's own RedisLockStore does not give that across replicas: it reads the stored
ticket lock, adds a ticket and writes it back, in three separate Redis calls. Two
replicas taking a ticket at the same moment both get ticket 0 and run the two turns
at once (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, is only in Rasa Pro). Our
replica test caught it as a conversation stored user, user, bot, bot.

RedisMutexLockStore takes the lock with one atomic Redis command (SET NX with an
expiry and a random token) and frees it with a compare-and-delete script, so only
its holder can free it, and a crashed holder's lock expires after the lock lifetime.
Messages waiting in the same replica queue in arrival order on an asyncio lock first,
so only one of them at a time polls Redis: a patient's burst of SMS to one replica is
answered in order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
)
from rasa.utils.endpoints import EndpointConfig
from redis import Redis

logger = logging.getLogger(__name__)

# How often a waiting replica asks Redis again (a turn takes about 0.1 s to 0.3 s).
POLL_SECONDS = 0.02
RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class _LocalQueue:
    """One asyncio lock per conversation, dropped when nobody holds or waits on it.

    asyncio.Lock wakes its waiters in the order they arrived, which keeps a
    conversation's messages in order inside one process.
    """

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._users: Dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] = self._users.get(conversation_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[conversation_id] -= 1
            if not self._users[conversation_id]:
                del self._users[conversation_id]
                del self._locks[conversation_id]


class RedisMutexLockStore(LockStore):
    """One conversation lock for every replica on the same Redis and key prefix."""

    def __init__(
        self,
        client: Redis,
        key_prefix: Optional[str] = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._client = client
        self._prefix = f"{key_prefix}:lock:" if key_prefix else "lock:"
        self._poll_seconds = poll_seconds
        self._release = client.register_script(RELEASE_SCRIPT)
        self._local = _LocalQueue()

    def key(self, conversation_id: str) -> str:
        return self._prefix + conversation_id

    @asynccontextmanager
    async def lock(  # type: ignore[override]
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[None]:
        """Hold the conversation's lock for at most `lock_lifetime` seconds.

        Waits at most twice the lifetime (the holder's lock has expired by then, unless
        others keep taking it first), then raises LockError, as Rasa's stores do.
        """
        async with self._local.hold(conversation_id):
            key, token = self.key(conversation_id), uuid.uuid4().hex
            await self._acquire(key, token, lock_lifetime)
            try:
                yield
            finally:
                try:
                    self._release(keys=[key], args=[token])
                except Exception:  # noqa: BLE001 - the lock expires by itself
                    logger.warning(
                        "Could not free a conversation lock; it will expire."
                    )

    async def _acquire(self, key: str, token: str, lifetime: float) -> None:
        deadline = time.monotonic() + 2 * lifetime
        expiry_ms = max(1, int(lifetime * 1000))
        while not self._client.set(key, token, nx=True, px=expiry_ms):
            if time.monotonic() > deadline:
                raise LockError("Timed out waiting for a conversation's lock.")
            await asyncio.sleep(self._poll_seconds)

    # Rasa's ticket-lock interface: nothing in Rasa calls these on a store it did
    # not build itself; they are here so the abstract base is complete.
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        self._client.delete(self.key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("RedisMutexLockStore keeps no ticket locks.")


def redis_lock_store(url: str, key_prefix: Optional[str] = None) -> RedisMutexLockStore:
    return RedisMutexLockStore(Redis.from_url(url, socket_timeout=10), key_prefix)


class ClinicLockStore:
    """A factory Rasa loads by module path: Redis when REDIS_URL is set, else memory."""

    def __new__(
        cls, endpoint_config: Optional[EndpointConfig] = None, **_: Any
    ) -> LockStore:
        url = os.environ.get("REDIS_URL")
        if not url:
            return InMemoryLockStore()
        return redis_lock_store(url, os.environ.get("REDIS_LOCK_PREFIX") or None)
