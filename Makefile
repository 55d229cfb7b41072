# Two commands do everything on a fresh machine:
#   make run    install, build, train if needed, start the assistant
#   make test   install, build, train if needed, run every test
# Other targets: install, spacy, train, validate, staff, clean.
#   make staff ARGS="list --day today"   bookings and callback requests for staff

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_BOOT := $(shell scripts/find-python.sh)
SPACY_MODEL := build/spacy/en_clinic
MODEL := models/clinic.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name "*.yml" 2>/dev/null) nlp/faq_guard.py nlp/red_flags.py nlp/linear_classifier.py

export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONHASHSEED ?= 0
export RASA_TELEMETRY_ENABLED ?= false

WEBCHAT_VERSION := 1.0.1
WEBCHAT_SHA1 := 918985573aa505d81ab927c5ea5919ae29a5ecfd
WEBCHAT_BUNDLE := build/web/package/lib/index.js

.PHONY: run run-replicas loadtest bench test install spacy train web browser validate staff clean

run: install spacy train web
	scripts/run.sh

# Two Rasa replicas (5005, 5006) on PostgreSQL + Redis (DATABASE_URL, REDIS_URL;
# defaults: the local servers on 127.0.0.1). See scripts/run-replicas.sh.
run-replicas: install spacy train web
	scripts/run-replicas.sh

# NLU quality, latency, throughput, cold start, training time, memory -> reports/
# (ARGS="--no-train" skips the two training runs; see scripts/bench.py).
bench: install spacy train
	$(BIN)/python -m scripts.bench $(ARGS)

# 50 conversations for 2 minutes through REST, the action server killed and restarted
# every 30 s; figures in reports/loadtest.md (ARGS to change, see scripts/loadtest.py).
loadtest: install spacy train
	$(BIN)/python -m scripts.loadtest $(ARGS)

test: install spacy train web browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Staff tool: list / handled / export (see scripts/staff.py).
staff: install
	$(BIN)/python -m scripts.staff $(or $(ARGS),list)

# Reinstalls only when the pins change. The stamp is written last, so an
# interrupted install is retried on the next call.
$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON_BOOT)" || { echo "No Python 3.8-3.10 found (see scripts/find-python.sh)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip==24.0' 'setuptools==70.3.0' 'wheel==0.45.1'
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

spacy: $(SPACY_MODEL)/meta.json

$(SPACY_MODEL)/meta.json: nlp/build_pipeline.py $(VENV)/.installed
	$(BIN)/python -m nlp.build_pipeline $(SPACY_MODEL)

train: $(MODEL)

# Retrains only when data, domain, config or the custom NLU component change;
# `rasa train` itself then reuses cached components that did not change.
$(MODEL): $(TRAINING_INPUTS) $(SPACY_MODEL)/meta.json
	$(BIN)/rasa train --fixed-model-name clinic --out models
	touch $@

web: $(WEBCHAT_BUNDLE)

# The widget's standalone bundle, from the npm registry, checked against its
# published sha1 and served locally by web/app.py (never from a CDN).
$(WEBCHAT_BUNDLE):
	mkdir -p build/web
	cd build/web && rm -f rasa-webchat-*.tgz && npm pack --silent rasa-webchat@$(WEBCHAT_VERSION)
	echo "$(WEBCHAT_SHA1)  build/web/rasa-webchat-$(WEBCHAT_VERSION).tgz" | sha1sum -c -
	tar -xzf build/web/rasa-webchat-$(WEBCHAT_VERSION).tgz -C build/web package/lib/index.js
	touch $@

# Headless Chromium for the browser test (Debian's package; Playwright's own
# browser download cannot work offline).
browser:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

validate: install
	$(BIN)/rasa data validate --fail-on-warnings

clean:
	rm -rf models build .rasa reports .pytest_cache
