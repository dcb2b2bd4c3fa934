# The README's two commands: `make run` and `make test`. Every target installs what is missing first.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test lint openapi bench

setup:
	@./scripts/setup.sh

run: setup
	$(BIN)/acelab serve

# TESTS narrows the run, e.g. to the suites that touch the database (CI's PostgreSQL pass).
TESTS ?= tests
test: setup
	$(BIN)/pytest $(TESTS)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

openapi: setup
	$(BIN)/python -m acelab.openapi > openapi/acelab.json

bench: setup
	$(BIN)/python bench/auth.py
	$(BIN)/python bench/judge.py
	$(BIN)/python bench/generation.py
	$(BIN)/python bench/practice.py
	$(BIN)/python bench/exam_day.py
