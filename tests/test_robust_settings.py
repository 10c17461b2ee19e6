"""Absurd settings are data errors naming Inställningar and the key, and finish quickly (issue #11, item 4)."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest

from tests.corpus.harness import run_inprocess
from tests.corpus.variants import EXAMPLE
from xlpy import spec
from xlpy.jobs import check_file


def _with_settings(tmp_path: Path, values: dict[str, object]) -> Path:
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Inställningar"]
    for row in ws.iter_rows(min_row=3):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    path = tmp_path / "installningar.xlsx"
    wb.save(path)
    return path


CASES = [
    {"Kalkylår": 10**9},
    {"Kalkylår": 10**5},
    {"Praktikplatser per deltagare": 10**6},
    {"Månadslön vid arbete": 1e300},
    {"Kalkylår": 10**4, "Diskonteringsränta": 0.99},
    {"Reala kostnader per person och år": "1e300"},
    {"Finansiella kostnader per person och år": 2e7},
    {"Minsta redovisade antal": 10**7},
]


@pytest.mark.parametrize("values", CASES, ids=lambda v: ",".join(f"{k}={v[k]}" for k in v))
def test_an_absurd_setting_is_a_data_error_and_finishes_quickly(values: dict[str, object], tmp_path: Path) -> None:
    path = _with_settings(tmp_path, values)
    start = time.monotonic()
    run = run_inprocess(["recalc", str(path)])
    assert time.monotonic() - start < 30
    assert run.rc == 1 and run.problems() == [], run.out
    outcome = check_file(path)
    bad = [p for p in outcome.data.problems if p.sheet == "Inställningar" and p.severity == "fel"]
    for key in values:
        if key == "Diskonteringsränta":  # -- 0,99 is within 0–1; Kalkylår alone is refused --
            continue
        [p] = [p for p in bad if p.message.startswith(key)]
        assert "utanför det rimliga intervallet" in p.message and p.column == "Värde"


def test_every_number_setting_has_a_range() -> None:
    for s in spec.SETTING_DEFS:
        if s.kind in ("number", "int"):
            assert s.limits is not None, s.name
            low, high = s.limits
            assert low <= float(s.default) <= high  # type: ignore[arg-type]


def test_values_at_the_edges_are_accepted(tmp_path: Path) -> None:
    path = _with_settings(tmp_path, {"Kalkylår": 50, "Diskonteringsränta": 0.99, "Praktikplatser per deltagare": 20,
                                     "Månadslön vid arbete": 10**7})
    outcome = check_file(path)
    assert [p for p in outcome.data.problems if p.sheet == "Inställningar"] == []
    assert outcome.data.settings.horizon_years == 50
