#!/usr/bin/env bash
# Start the assistant: action server (5055), Rasa server (5005: REST, socket.io and
# SMS channels, HTTP API behind a token) and the demo page (8080). Ctrl-C stops all.
# RASA_PORTS="5005 5006" starts several replicas (scripts/run-replicas.sh does that).
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION_PORT=${ACTION_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
RASA_PORTS=${RASA_PORTS:-$RASA_PORT}
RASA_PORT=${RASA_PORTS%% *}
WEB_PORT=${WEB_PORT:-8080}
# Browser origins allowed to use the widget's socket.io channel and the HTTP API (CORS).
export WEB_ORIGINS=${WEB_ORIGINS:-http://localhost:${WEB_PORT},http://127.0.0.1:${WEB_PORT}}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:${ACTION_PORT}/webhook}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_TELEMETRY_ENABLED=false

# The HTTP API is never open without a token: RASA_API_TOKEN, or one generated once
# into .rasa/api-token (readable by this user only; the path is printed).
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
for port in $RASA_PORTS; do
  .venv/bin/rasa run --model models/clinic.tar.gz --port "$port" \
    --enable-api --auth-token "$RASA_API_TOKEN" \
    --credentials credentials.yml --endpoints endpoints.yml \
    --cors ${WEB_ORIGINS//,/ } &
  pids+=($!)
done
.venv/bin/python -m web.app --port "$WEB_PORT" --socket-url "http://localhost:${RASA_PORT}" &
pids+=($!)

echo "Assistant starting (Rasa on ${RASA_PORTS}): demo page http://localhost:${WEB_PORT}/, REST http://localhost:${RASA_PORT}/webhooks/rest/webhook, SMS http://localhost:${RASA_PORT}/webhooks/sms/webhook, actions http://localhost:${ACTION_PORT}/webhook"
# Stop everything as soon as either server exits.
wait -n "${pids[@]}"
