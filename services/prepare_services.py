"""Before starting replicas: check PostgreSQL and Redis answer, create the database.

Fails with a clear message (and exit code 1) instead of letting two Rasa servers start
against services that are not there.
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from redis import Redis
from redis.exceptions import RedisError

from clinic.settings import settings


def ensure_database(url: str) -> None:
    target = sa.engine.make_url(url.replace("postgres://", "postgresql://", 1))
    admin = sa.create_engine(
        target.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("select 1 from pg_database where datname = :n"),
            {"n": target.database},
        ).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
            print(f"Created database {target.database}.")
    admin.dispose()


def main() -> int:
    database_url, redis_url = (
        settings().database_url,
        settings().redis_url,
    )
    if not database_url or not redis_url:
        print(
            "Set DATABASE_URL (PostgreSQL) and REDIS_URL for replicas.", file=sys.stderr
        )
        return 1
    try:
        ensure_database(database_url)
    except sa.exc.OperationalError as error:
        print(
            f"PostgreSQL is not reachable: {str(error.orig).strip().splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    try:
        Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except RedisError as error:
        print(f"Redis is not reachable at {redis_url}: {error}", file=sys.stderr)
        return 1
    print("PostgreSQL and Redis are reachable.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
