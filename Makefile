# The two commands of the Quick start (`make demo`, `make test`) and the rest of the
# developer loop. Each target creates .venv itself; uv is installed with pip when missing.

SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
BIN := .venv/bin
export UV_PYTHON_DOWNLOADS ?= never

.PHONY: demo test lint bench chaos venv clean

venv: $(UV)
	@$(UV) sync --frozen --quiet
	@$(MAKE) -s --no-print-directory .venv/.bytecode
	@$(BIN)/python -m compileall -q releasegate bench > /dev/null || true

# Where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE), every process
# the tests and the demo start would compile each module it imports again: about 3 s per
# process on a 2-core machine. So the environment is compiled once per lock, and our own
# code on every run (only what changed: a fraction of a second). Failures are ignored:
# this only saves time, and some packages ship files that are not Python 3.
.venv/.bytecode: uv.lock
	@$(BIN)/python -m compileall -q -j 0 .venv/lib > /dev/null || true
	@touch $@

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

## make demo [KEEP=1] [PLATFORM=local|feishu|wecom]: the release story against the built-in
## simulators (SQLite); PLATFORM=local decides the requests in ReleaseGate's own approvals
## (no DingTalk), PLATFORM=feishu or wecom approves them in that platform's simulator
demo: venv
	$(BIN)/releasegate demo$(if $(KEEP), --keep)$(if $(PLATFORM), --platform $(PLATFORM))

# The suite runs in parallel processes (pytest-xdist): most tests wait on sockets and on the
# processes they start, so one more process than there are cores keeps the cores busy (and at
# least three: on 2 cores that halves the run). Each process has its own test database.
# (-I: the environment's PYTHONPATH, e.g. the clock moved ahead in CI, is not this one's.)
TEST_WORKERS ?= $(shell python3 -I -c 'import os; print(max(3, (os.cpu_count() or 1) + 1))')

## make test [PYTEST_ARGS=...] [TEST_WORKERS=N]: the test suite (DATABASE_URL picks the database;
## SQLite by default; TEST_WORKERS=0 runs it in one process)
test: venv
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## make lint: formatting, lint, types, the layers' import contracts and migrations
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy releasegate bench .ci
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run

## make bench: benchmarks, each printing JSON (all run; the target fails if any missed its target)
bench: venv
	@status=0; for b in bench/catalog_sync.py bench/connector.py bench/engine.py bench/load.py; do \
		$(BIN)/python $$b || status=1; \
	done; exit $$status

## make chaos [CHAOS_ARGS=...]: 200 DingTalk, Feishu and WeCom approvals while Jenkins fails,
## the platforms limit, fail and reset connections, workers, streams and the web server are
## killed and PostgreSQL restarts (a cluster of the run's own, deleted after; --database-url
## URL uses that server instead and does not restart it); JSON; fails if any was lost,
## doubled or wrong, or a forgery got in (CHAOS_ARGS=--ci: the short run; --seed N,
## --approvals N)
chaos: venv
	$(BIN)/python bench/chaos.py $(CHAOS_ARGS)

clean:
	rm -rf .venv .tools .demo .mypy_cache .ruff_cache .pytest_cache
