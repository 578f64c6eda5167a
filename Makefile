# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup lint bench clean-db

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

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

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
