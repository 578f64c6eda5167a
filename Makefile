# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-future test-deploy setup lint audit bench clean-db translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo

# The worker (SMS, e-mail, work-group messages) runs beside the site and stops with it.
run: setup
	@$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite again at a later date, across a year boundary in 双牌 (2027-12-31 23:30 +08:00, the
# clock running), under Debian's libfaketime: no test may pass on one calendar day and fail on
# another. Subprocesses (PostgreSQL, Redis, flask) inherit the faked clock; the monotonic clock
# stays real so timed waits return. CI runs it after `make test`; the browser tests are left out.
FUTURE ?= 2027-12-31 15:30:00
test-future: $(VENV)/.dev
	@command -v faketime >/dev/null || { echo "test-future 需要 Debian 的 faketime 软件包（apt-get install faketime）"; exit 1; }
	TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '@$(FUTURE)' \
		$(BIN)/python -m pytest -m "not browser" -q -p no:cacheprovider $(PYTEST_ARGS)

# The English catalogue: messages.mo is committed (a fresh clone needs no compile step); after
# editing messages.po, compile it again. A test fails while the two differ.
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d talent/translations -D messages -f

# The deployment of docs/deploy.md, running: nginx (TLS) in front of two gunicorn app servers, one
# PostgreSQL with a streaming replica, one Redis, a shared UPLOAD_DIR and two workers, all on free
# local ports (tests/deploy/stack.py). CI runs it after test-future.
test-deploy: $(VENV)/.dev
	TALENT_DEPLOY_TEST=1 $(BIN)/python -m pytest tests/deploy/test_live.py -q -p no:cacheprovider \
		--durations=8 $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Outside checks that run offline: bandit (no medium or high finding may remain), pip-audit
# (skipped with a message when its vulnerability database cannot be reached) and the
# property-based API test against /api/v1/openapi.json (also part of `make test`).
audit: $(VENV)/.dev
	$(BIN)/bandit -q -r talent app.py --severity-level medium
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); rc=$$?; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ $$rc -ne 0 ] && ! echo "$$out" | grep -qiE "connection|resolve|timed? ?out|max retries|unreachable"; then \
		echo "$$out"; exit $$rc; \
	elif [ $$rc -ne 0 ] || [ $$skipped -gt 0 ]; then \
		echo "pip-audit 跳过：漏洞数据库不可达（离线，或软件源镜像不提供漏洞数据），$$skipped 个依赖未能审计；联网后再运行 make audit"; \
	else echo "$$out"; fi
	API_PROPERTY_RANDOM=1 API_PROPERTY_EXAMPLES=25 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/core/test_api_properties.py

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/talent_list.py
	$(BIN)/python benchmarks/card_verify.py

# Deletes the development database, after keeping a backup of it in instance/backups/.
DB_FILE ?= instance/talent.sqlite
clean-db:
	@if [ -f "$(DB_FILE)" ]; then \
		DATABASE_URL="sqlite:///$(abspath $(DB_FILE))" $(FLASK) backup --dir "$(dir $(abspath $(DB_FILE)))backups" \
		|| { echo "备份失败，未删除数据库"; exit 1; }; \
	fi
	rm -f "$(DB_FILE)" "$(DB_FILE)-wal" "$(DB_FILE)-shm"
