"""The report shows aggregates only: no participant code of the example workbook appears anywhere in the
.docx package (document, headers, footers, core and app properties, comments), and an override of the
personal-data refusal is recorded in the document's properties."""

from __future__ import annotations

import zipfile

from xlpy import jobs
from xlpy.core import compute
from xlpy.report import render_report


def test_no_participant_code_anywhere_in_the_docx(tmp_path):
    data = jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK))
    codes = set(data.participants["participant_id"])
    assert len(codes) == 54
    path = render_report(compute(data), tmp_path / "r.docx")
    with zipfile.ZipFile(path) as z:
        text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if not n.endswith(".png"))
    assert not [c for c in codes if c in text]
    assert "Första Steget" in text  # the author in docProps/core.xml, not a person


def test_override_is_recorded_in_the_document_properties(tmp_path):
    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    results["meta"]["personal_data_override"] = True
    path = render_report(results, tmp_path / "r.docx")
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "personuppgifter" in core
