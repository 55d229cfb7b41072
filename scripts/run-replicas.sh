#!/usr/bin/env bash
# Scale-out on one machine: one action server (5055), two Rasa replicas (5005, 5006)
# sharing conversations in PostgreSQL and locks in Redis, and the demo page (8080).
# Put any load balancer in front of 5005/5006; every replica serves every conversation.
#   DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/clinic (created if missing)
#   REDIS_URL     default redis://127.0.0.1:6379/1
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/clinic}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
ACTION_PORT=${ACTION_PORT:-5055}
REPLICA_PORTS=${REPLICA_PORTS:-"5005 5006"}
WEB_PORT=${WEB_PORT:-8080}
export WEB_ORIGINS=${WEB_ORIGINS:-http://localhost:${WEB_PORT},http://127.0.0.1:${WEB_PORT}}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:${ACTION_PORT}/webhook}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_TELEMETRY_ENABLED=false

.venv/bin/python -m scripts.prepare_services   # checks both services, creates the database
RASA_API_TOKEN=$(scripts/api-token.sh)

pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/rasa run actions --port "$ACTION_PORT" --actions actions &
pids+=($!)
for port in $REPLICA_PORTS; do
  .venv/bin/rasa run --model models/clinic.tar.gz --port "$port" \
    --enable-api --auth-token "$RASA_API_TOKEN" \
    --credentials credentials.yml --endpoints endpoints.yml \
    --cors ${WEB_ORIGINS//,/ } &
  pids+=($!)
done
first_port=${REPLICA_PORTS%% *}
.venv/bin/python -m web.app --port "$WEB_PORT" --socket-url "http://localhost:${first_port}" &
pids+=($!)

echo "Replicas starting on ports ${REPLICA_PORTS} (PostgreSQL + Redis); actions on ${ACTION_PORT}; demo page on ${WEB_PORT}."
wait -n "${pids[@]}"
