#!/usr/bin/env bash
# Print the HTTP API token: RASA_API_TOKEN, or one generated once into .rasa/api-token
# (readable by this user only). Where it came from goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${RASA_API_TOKEN:-}" ]; then
  echo "$RASA_API_TOKEN"
  exit 0
fi
mkdir -p .rasa
if [ ! -s .rasa/api-token ]; then
  (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > .rasa/api-token)
fi
echo "HTTP API token (RASA_API_TOKEN not set): generated in $(pwd)/.rasa/api-token" >&2
cat .rasa/api-token
