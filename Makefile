# One command for everything CI checks: `make check` (lint, types, tests).
PY ?= .venv/bin/python

.PHONY: check lint types test demo example addin

check: lint types test

lint:
	$(PY) -m ruff check xlpy tests

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest

demo:
	$(PY) -m xlpy.cli demo demo_utdata --pdf

example:
	$(PY) -m xlpy.example workbook/forsta_steget_exempel.xlsx

addin:
	$(PY) -m xlpy.cli addin build -o workbook/forsta_steget.xlam
