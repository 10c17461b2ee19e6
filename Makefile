# One command for everything CI checks: `make check` (lint, types, tests).
PY ?= .venv/bin/python

.PHONY: check lint types test demo example template package-data addin

check: lint types test

lint:
	$(PY) -m ruff check xlpy tests

types:
	$(PY) -m mypy

test:
	$(PY) -m pytest

demo:
	$(PY) -m xlpy.cli demo demo_utdata --pdf

# -- the builders write the repository file and its packaged copy in xlpy/data/ (xlpy/resources.py) --
example:
	$(PY) -m xlpy.example workbook/forsta_steget_exempel.xlsx

template:
	$(PY) -m xlpy.report.template_build

package-data:
	$(PY) -m xlpy.resources

addin:
	$(PY) -m xlpy.cli addin build -o workbook/forsta_steget.xlam
