"""Real databases for tests: a temporary SQLite file, and PostgreSQL when it is running.

PostgreSQL comes from DATABASE_URL (if it is a postgresql:// URL) or 127.0.0.1:5432
(trust auth). Each test session gets its own throwaway database. Outside CI a missing
server skips the PostgreSQL tests with the reason; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql://", "postgres://")) else LOCAL_POSTGRES


def temporary_postgres() -> Iterator[str]:
    admin_url = postgres_admin_url().replace("postgres://", "postgresql://", 1)
    engine = sa.create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable(
            f"PostgreSQL not reachable at {admin_url.split('@')[-1]}: "
            f"{str(error.orig).strip().splitlines()[0]}"
        )
    name = f"clinic_test_{uuid.uuid4().hex[:10]}"
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            sa.engine.make_url(admin_url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                    "datname = :n"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        engine.dispose()


def reachable_redis_url() -> str:
    """REDIS_URL, or database 15 of the local Redis; skipped (failed in CI) if it is
    down."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        Redis.from_url(url, socket_connect_timeout=3).ping()
    except RedisError as error:
        unavailable(f"Redis not reachable at {url}: {error}")
    return url
