"""Minsta redovisade antal in the report: small counts read `<N`, a second cell hides wherever a shown
total would reveal the hidden one, and shares built on hidden counts are hidden too."""

from __future__ import annotations

import copy

import pytest
from docx import Document

from tests.test_report_support import norm
from xlpy import jobs
from xlpy.core import compute
from xlpy.report import render_report


@pytest.fixture(scope="module")
def results() -> dict:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


def outcome_table(path) -> list[list[str]]:
    doc = Document(str(path))
    for t in doc.tables:
        header = [norm(c.text) for c in t.rows[0].cells]
        if "Arbete" in header and "Planering" in header and any("Klippan grupp 2" in norm(r.cells[0].text)
                                                                 for r in t.rows):
            return [[norm(c.text) for c in r.cells] for r in t.rows]
    raise AssertionError("no outcome table for grupp 2")


def test_without_threshold_the_seed_counts_are_shown(results, tmp_path):
    rows = outcome_table(render_report(results, tmp_path / "r.docx"))
    klippan = next(r for r in rows if r[0] == "Klippan grupp 2")
    assert klippan[1:5] == ["5", "2", "3", "1"]


def test_threshold_hides_small_counts_and_a_second_cell(results, tmp_path):
    r = copy.deepcopy(results)
    r["parameters"]["min_count"] = 5
    path = render_report(r, tmp_path / "r.docx")
    rows = outcome_table(path)
    header = rows[0]
    body = {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    klippan, perstorp = body["Klippan grupp 2"], body["Perstorp grupp 2"]
    assert klippan["Annat"] == "<5" and klippan["Studier"] == "<5"  # primary: 1 and 2 people
    # secondary: Perstorp's 1 in Arbete would follow from the column total, so Klippan's 5 hides too,
    # as `–` (hidden to protect another), never `<5`: its true value is 5 (issue #10)
    assert perstorp["Arbete"] == "<5" and klippan["Arbete"] == "–"
    cats = ("Arbete", "Studier", "Planering", "Annat", "Ej registrerat")
    # every row and column shows either no hidden cell or at least two, so no total reveals one
    for row in (klippan, perstorp):
        assert sum(row[k] in ("<5", "–") for k in cats) != 1
    total = body["Totalt grupp 2"]
    for k in cats:
        # a lone hidden cell is allowed only where the column's total is hidden too (Annat: 1 and 0)
        assert sum(row[k] in ("<5", "–") for row in (klippan, perstorp)) != 1 or total[k] in ("<5", "–")
    text = norm(" ".join(p.text for p in Document(str(path)).paragraphs))
    # a share built on a hidden count is hidden: Perstorp moved on = 3 people
    assert "30 %" not in text
    assert "1 extratjänst" not in text


def test_threshold_hides_small_goal_shares(results, tmp_path):
    r = copy.deepcopy(results)
    r["parameters"]["min_count"] = 12
    text = norm(" ".join(p.text for p in Document(str(render_report(r, tmp_path / "r.docx"))).paragraphs))
    assert "(dolt för att skydda små tal)" in text
    assert "(16 av 21)" in text  # 16 and 21 people are both at or above the threshold
    assert "(7 av 10)" not in text  # Perstorp's action plan is built on 7 of 10 people

