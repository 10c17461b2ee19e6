"""The follow-up chapter's chart is left out when every share it would draw is hidden (issue #10): empty bars
labelled `dolt` tell a steering group nothing, and the figure numbers after it stay consecutive."""

from __future__ import annotations

import copy

from docx import Document

from xlpy import jobs
from xlpy.core.compute import compute
from xlpy.report import context
from xlpy.report.render import render_report


def _results(n_min: int) -> dict:
    r = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    r["parameters"]["min_count"] = n_min
    return r


def test_no_chart_where_every_share_of_the_point_is_hidden(tmp_path) -> None:
    shown = context.build_context(_results(0))["followup"]["points"]
    assert shown and all(p["show_chart"] and p["figure_no"] for p in shown)
    hidden = context.build_context(_results(5))["followup"]["points"]
    assert hidden and not any(p["show_chart"] for p in hidden)
    assert all("Inget diagram visas" in p["text"] and p["figure_no"] == "" for p in hidden)
    doc = Document(str(render_report(_results(5), tmp_path / "r.docx")))
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Figur ")]
    assert not any("efter avslut" in c for c in captions)
    numbers = [int(c.split()[1].rstrip(".:")) for c in captions]
    assert numbers == list(range(1, len(numbers) + 1)), captions
    shown_doc = Document(str(render_report(copy.deepcopy(_results(0)), tmp_path / "r0.docx")))
    assert any("efter avslut" in p.text for p in shown_doc.paragraphs if p.text.startswith("Figur "))
