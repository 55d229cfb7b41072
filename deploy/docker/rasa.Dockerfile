# The Rasa server (REST, socket.io and SMS channels, the HTTP API), one per container;
# run several behind the cluster's load balancer. The models are built in the image
# (make spacy train, from the same pinned inputs as `make run`); it runs as a
# non-root user through the one launcher: python -m services.launch one rasa.
# Build from the repository root: docker build -f deploy/docker/rasa.Dockerfile .
FROM python:3.10.13-slim-bookworm AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends make=4.3-4.1 \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt constraints.txt ./
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1' \
 && .venv/bin/pip install --no-cache-dir -r requirements.txt -c constraints.txt \
 && touch .venv/.installed
COPY . .
RUN touch .venv/.installed && make spacy train

FROM python:3.10.13-slim-bookworm
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app clinic \
 && mkdir /data && chown 10001:10001 /data
COPY --from=build --chown=10001:10001 /app /app
USER 10001
ENV CLINIC_DATA_DIR=/data RASA_TELEMETRY_ENABLED=false PYTHONHASHSEED=0 \
    TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
EXPOSE 5005
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["/app/.venv/bin/python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5005/', timeout=4)"]
CMD ["/app/.venv/bin/python", "-m", "services.launch", "one", "rasa"]
