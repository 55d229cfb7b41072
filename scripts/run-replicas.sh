#!/usr/bin/env bash
# Scale-out on one machine: two Rasa replicas (5005, 5006) sharing conversations in
# PostgreSQL and locks in Redis, plus the action server (5055) and the demo page (8080).
# Put any load balancer in front of 5005/5006; every replica serves every conversation.
#   DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/clinic (created if missing)
#   REDIS_URL     default redis://127.0.0.1:6379/1
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/clinic}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export RASA_PORTS=${RASA_PORTS:-"5005 5006"}

.venv/bin/python -m scripts.prepare_services   # both services answer; the database exists
exec scripts/run.sh
