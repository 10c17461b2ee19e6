"""Small things a user meets (#11 item 11): Swedish singular after a count, Kontroll's row links, the
quote prefix for text that looks like a formula, control characters, capped messages, the report's suffix,
serial -1 and `xlpy generate`'s warnings."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.corpus.harness import run_inprocess
from tests.corpus.judge import _values
from xlpy import fmt, jobs
from xlpy.excel import actions
from xlpy.jobs import EXAMPLE_WORKBOOK

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _example(tmp_path: Path, name: str = "bok.xlsx") -> Path:
    path = tmp_path / name
    shutil.copyfile(EXAMPLE_WORKBOOK, path)
    return path


def _one_warning(tmp_path: Path) -> Path:
    # -- a renamed output sheet is exactly one warning in the otherwise clean example --
    from tests.test_concurrency import _edit_sheets, _rename

    path = _example(tmp_path)
    assert run_inprocess(["recalc", str(path)]).rc == 0
    _edit_sheets(path, _rename("Resultat", "Resultat 2019"))
    return path


@pytest.mark.parametrize(("n", "text"), [(0, "0 varningar"), (1, "1 varning"), (2, "2 varningar"),
                                         (2500, f"2{fmt.NBSP}500 varningar")])
def test_count_uses_the_singular_for_one(n: int, text: str) -> None:
    assert fmt.count(n, "varning", "varningar") == text


def test_one_warning_is_singular_in_the_cli_kontroll_and_the_ribbon(tmp_path: Path) -> None:
    path = _one_warning(tmp_path)
    run = run_inprocess(["recalc", str(path)])
    assert run.rc == 0 and "0 fel, 1 varning." in run.out and "varningar" not in run.out, run.out
    kontroll = _values(path)["Kontroll"]
    assert any(str(r[0]).startswith("1 sak att titta på: 0 fel och 1 varning.") for r in kontroll if r), kontroll
    assert actions._problem_summary({"problems": [{"severity": "varning"}]}).startswith("0 fel och 1 varning i")


def test_one_personal_datum_is_singular_in_the_refusal() -> None:
    results = {"problems": [{"kind": jobs.PERSONAL_DATA, "severity": "fel"}], "meta": {}}
    with pytest.raises(jobs.ReportRefused, match="innehåller 1 uppgift som ser ut"):
        jobs.guard_personal_data(results, allow=False)
