# The demo page with the chat, and the jobs (reminder sender, retention): one image,
# the process chosen by the command (python -m services.launch one web | reminders |
# retention). socket.io-client comes from the npm registry, sha1-checked, as `make web`.
# Build from the repository root: docker build -f deploy/docker/web.Dockerfile .
FROM node:20.18.1-bookworm-slim AS chat
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /chat
RUN npm pack --silent socket.io-client@4.8.1 \
 && echo "1941eca135a5490b94281d0323fe2a35f6f291cb  socket.io-client-4.8.1.tgz" | sha1sum -c - \
 && tar -xzf socket.io-client-4.8.1.tgz --strip-components=2 package/dist/socket.io.min.js

FROM python:3.10.13-slim-bookworm AS build
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1' \
 && .venv/bin/pip install --no-cache-dir -r requirements.txt -c constraints.txt
COPY . .
COPY --from=chat /chat/socket.io.min.js build/web/socket.io.min.js

FROM python:3.10.13-slim-bookworm
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app clinic \
 && mkdir /data && chown 10001:10001 /data
COPY --from=build --chown=10001:10001 /app /app
USER 10001
ENV CLINIC_DATA_DIR=/data WEB_HOST=0.0.0.0 PYTHONHASHSEED=0 SQLALCHEMY_SILENCE_UBER_WARNING=1
EXPOSE 8080
CMD ["/app/.venv/bin/python", "-m", "services.launch", "one", "web"]
