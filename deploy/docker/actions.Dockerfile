# The action server: rasa-sdk and the core only (no rasa, no TensorFlow). It accepts
# only calls carrying ACTION_SERVER_SECRET; it listens on every interface of its
# container (ACTION_SERVER_HOST), for the Rasa servers on other hosts.
# Build from the repository root: docker build -f deploy/docker/actions.Dockerfile .
FROM python:3.10.13-slim-bookworm AS build
WORKDIR /app
COPY requirements-actions.txt constraints.txt ./
RUN python -m venv .venv-actions \
 && .venv-actions/bin/pip install --no-cache-dir 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1' \
 && .venv-actions/bin/pip install --no-cache-dir -r requirements-actions.txt -c constraints.txt
COPY actions actions
COPY clinic clinic
COPY services services
COPY domain domain
COPY channel_texts.yml clinic.yml ./

FROM python:3.10.13-slim-bookworm
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app clinic \
 && mkdir /data && chown 10001:10001 /data
COPY --from=build --chown=10001:10001 /app /app
USER 10001
ENV CLINIC_DATA_DIR=/data ACTION_SERVER_HOST=0.0.0.0 PYTHONHASHSEED=0
EXPOSE 5055
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["/app/.venv-actions/bin/python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
CMD ["/app/.venv-actions/bin/python", "-m", "services.launch", "one", "actions"]
