"""Per-conversation locks: in memory for one server; for several replicas, Redis, or a
SQLite file when they share one machine and no Redis is configured.

Rasa takes a conversation's lock around every turn, so that two messages of one
patient are answered one after the other, each seeing the other's events.

Rasa's own RedisLockStore does not give that across replicas: it reads the stored
ticket lock, adds a ticket and writes it back, in three separate Redis calls. Two
replicas taking a ticket at the same moment both get ticket 0 and run the two turns
at once (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, is only in Rasa Pro). Our
replica test caught it as a conversation stored user, user, bot, bot.

MutexLockStore takes the lock with one atomic operation and a random token (Redis: SET
NX with an expiry; SQLite: an insert guarded by the primary key, in one transaction)
and frees it with a compare-and-delete, so only its holder can free it, and a crashed
holder's lock expires after the lock lifetime. Messages waiting in the same replica
queue in arrival order on an asyncio lock first, so only one of them at a time polls
the shared store: a patient's burst of SMS to one replica is answered in order.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
)
from rasa.utils.endpoints import EndpointConfig
from redis.asyncio import Redis

from clinic import paths
from clinic.settings import settings
from clinic.sqlite import use_wal

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


class MutexLockStore(LockStore):
    """One conversation lock for every replica sharing the same backing store.

    A subclass supplies two atomic operations on that store: take a key (only if
    nobody holds it, or its holder's expiry has passed) and free it (only with the
    holder's token)."""

    def __init__(self, poll_seconds: float = POLL_SECONDS) -> None:
        self._poll_seconds = poll_seconds
        self._local = _LocalQueue()

    def key(self, conversation_id: str) -> str:
        raise NotImplementedError

    async def _take(self, key: str, token: str, lifetime: float) -> bool:
        raise NotImplementedError

    async def _free(self, key: str, token: str) -> None:
        raise NotImplementedError

    async def held(self, conversation_id: str) -> bool:
        """Whether someone holds the conversation's lock now (tests, diagnostics)."""
        raise NotImplementedError

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
                    await self._free(key, token)
                except Exception:  # noqa: BLE001 - the lock expires by itself
                    logger.warning(
                        "Could not free a conversation lock; it will expire."
                    )

    async def _acquire(self, key: str, token: str, lifetime: float) -> None:
        deadline = time.monotonic() + 2 * lifetime
        while not await self._take(key, token, lifetime):
            if time.monotonic() > deadline:
                raise LockError("Timed out waiting for a conversation's lock.")
            await asyncio.sleep(self._poll_seconds)

    # Rasa's ticket-lock interface: nothing in Rasa calls these on a store it did
    # not build itself; they are here so the abstract base is complete.
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("A mutex lock store keeps no ticket locks.")


class RedisMutexLockStore(MutexLockStore):
    """The lock in Redis: one atomic SET NX PX to take it, a compare-and-delete script
    to free it. Through redis-py's asyncio client: a Redis that accepts connections and
    then stalls holds up only the turns waiting for it, never the replica's event loop
    (the blocking client froze every conversation of the replica for up to its 10 s
    socket timeout)."""

    def __init__(
        self,
        client: Redis,
        key_prefix: Optional[str] = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(poll_seconds)
        self._client = client
        self._prefix = f"{key_prefix}:lock:" if key_prefix else "lock:"
        self._release = client.register_script(RELEASE_SCRIPT)

    def key(self, conversation_id: str) -> str:
        return self._prefix + conversation_id

    async def _take(self, key: str, token: str, lifetime: float) -> bool:
        expiry_ms = max(1, int(lifetime * 1000))
        return bool(await self._client.set(key, token, nx=True, px=expiry_ms))

    async def _free(self, key: str, token: str) -> None:
        await self._release(keys=[key], args=[token])

    async def held(self, conversation_id: str) -> bool:
        return bool(await self._client.exists(self.key(conversation_id)))

    async def delete_lock(self, conversation_id: str) -> None:  # type: ignore[override]
        await self._client.delete(self.key(conversation_id))


class SqliteMutexLockStore(MutexLockStore):
    """The lock in a small SQLite file beside the conversations, for replicas on one
    machine without Redis (`make run`'s default).

    A row per held conversation: taking the lock deletes an expired row and inserts
    one in a single immediate transaction (the primary key lets only one insert win);
    freeing deletes the row only with the holder's token. Rows hold a hash of the
    conversation id, never the id. Nothing here needs to survive a power cut (a lost
    row is a lock nobody holds), so commits do not wait for the disk. Its calls are
    local and take microseconds, so they run on the event loop itself (a thread per
    call would cost more, and one connection must not be used by two threads at once).
    """

    def __init__(self, path: Path, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(poll_seconds)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path), timeout=5, isolation_level=None, check_same_thread=False
        )
        use_wal(self._db)
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS conversation_lock "
            "(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires REAL NOT NULL)"
        )

    def key(self, conversation_id: str) -> str:
        return hashlib.sha256(conversation_id.encode()).hexdigest()

    async def _take(self, key: str, token: str, lifetime: float) -> bool:
        now = time.time()  # wall clock: the same for every process on the machine
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "DELETE FROM conversation_lock WHERE key = ? AND expires < ?",
                (key, now),
            )
            taken = db.execute(
                "INSERT OR IGNORE INTO conversation_lock VALUES (?, ?, ?)",
                (key, token, now + lifetime),
            ).rowcount
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return taken == 1

    async def _free(self, key: str, token: str) -> None:
        self._db.execute(
            "DELETE FROM conversation_lock WHERE key = ? AND token = ?", (key, token)
        )

    def delete_lock(self, conversation_id: str) -> None:
        self._db.execute(
            "DELETE FROM conversation_lock WHERE key = ?", (self.key(conversation_id),)
        )

    async def held(self, conversation_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM conversation_lock WHERE key = ? AND expires >= ?",
            (self.key(conversation_id), time.time()),
        ).fetchone()
        return row is not None


def redis_lock_store(url: str, key_prefix: Optional[str] = None) -> RedisMutexLockStore:
    return RedisMutexLockStore(Redis.from_url(url, socket_timeout=10), key_prefix)


def shared_lock_path() -> Path:
    return paths.data_dir() / "locks.sqlite"


class ClinicLockStore:
    """A factory Rasa loads by module path: Redis when REDIS_URL is set; else, when
    several replicas share this machine's data folder (RASA_REPLICAS > 1, set by the
    launcher), the SQLite lock file there; else memory (one server)."""

    def __new__(
        cls, endpoint_config: Optional[EndpointConfig] = None, **_: Any
    ) -> LockStore:
        config = settings()
        if config.redis_url:
            return redis_lock_store(config.redis_url, config.redis_lock_prefix)
        if (config.rasa_replicas or 1) > 1:
            return SqliteMutexLockStore(shared_lock_path())
        return InMemoryLockStore()
