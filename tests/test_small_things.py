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


@pytest.fixture(scope="module")
def example_results() -> dict:
    from xlpy.core import compute

    return compute(jobs.load(jobs.open_file(EXAMPLE_WORKBOOK)))


def _kontroll_rows(results: dict) -> list[list]:
    from xlpy.outputs.sheets import build_output_sheets

    sheet = next(s for s in build_output_sheets(results) if s.name == "Kontroll")
    return [[c.value for c in row] for row in sheet.rows]


def test_text_that_looks_like_a_formula_gets_the_quote_prefix(tmp_path: Path) -> None:
    from xlpy.io.xlsx_package import XlsxPackageSink
    from xlpy.io.xlwings_backend import _cell_value
    from xlpy.model import OutCell, OutputSheet

    path = _example(tmp_path)
    texts = ["=SUMMA(A1)", "+46 70", "-5 dagar", "@ansvarig", "vanlig text", "5-3"]
    XlsxPackageSink(path).write_sheets([OutputSheet("Kontroll", [[OutCell(t)] for t in texts])])
    files = {n: zipfile.ZipFile(path).read(n) for n in ("xl/workbook.xml", "xl/styles.xml")}
    sheet_part = next(n for n in zipfile.ZipFile(path).namelist()
                      if n.startswith("xl/worksheets/") and b"SUMMA" in zipfile.ZipFile(path).read(n))
    cells = etree.fromstring(zipfile.ZipFile(path).read(sheet_part)).findall(".//m:c", NS)
    xfs = etree.fromstring(files["xl/styles.xml"]).find("m:cellXfs", NS)
    prefixed = [xfs[int(c.get("s", "0"))].get("quotePrefix") == "1" for c in cells]
    assert prefixed == [True, True, True, True, False, False]
    assert all(c.get("t") == "inlineStr" for c in cells)  # still text, not a formula
    assert [_cell_value(t) for t in texts[:2]] == ["'=SUMMA(A1)", "'+46 70"]
    assert _cell_value("vanlig text") == "vanlig text"


def test_control_characters_are_removed_from_cells_and_report_prose(example_results: dict) -> None:
    import copy

    from xlpy.report.context import build_context

    results = copy.deepcopy(example_results)
    results["problems"].append({"severity": "varning", "sheet": "Grupper", "row": 4, "column": "Kommentar",
                                "value": "ring\x07 _x0007_klockan\x0b", "message": "Text\x1b med tecken.",
                                "group_id": None, "kind": ""})
    first = next(iter(results["texts"]))
    results["texts"][first] = "Stycke\x07 ett_x001B_.\nStycke två."
    row = _kontroll_rows(results)[-1]
    assert row[4] == "ring klockan" and row[5] == "Text med tecken."
    text = repr(build_context(results))
    assert "\\x07" not in text and "_x0007_" not in text and "_x001B_" not in text and "\\x1b" not in text
    assert "Stycke ett." in text


def test_a_repeated_name_gives_one_short_kontroll_row(example_results: dict) -> None:
    import copy

    from xlpy.intake import privacy
    from xlpy.outputs.sheets import KONTROLL_MESSAGE_CHARS, KONTROLL_VALUE_CHARS

    for text in ("Fatima Ali, " * 2500, "Fatima Ali " * 2500):
        found = privacy._findings("comment", text, set(), privacy.COMMON_WORDS)
        assert len(found) == 1 and len(found[0][1]) < 120, found[0][1][:200]
        results = copy.deepcopy(example_results)
        results["problems"].append({"severity": "fel", "sheet": "Deltagare", "row": 7, "column": "Kommentar",
                                    "value": found[0][0], "message": found[0][1] + ".", "group_id": None,
                                    "kind": jobs.PERSONAL_DATA})
        row = _kontroll_rows(results)[-1]
        assert len(row[4]) <= KONTROLL_VALUE_CHARS and row[4].endswith("…")
        assert len(row[5]) <= KONTROLL_MESSAGE_CHARS


def test_report_to_a_name_that_is_not_docx_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = _example(tmp_path)
    before = path.read_bytes()
    run = run_inprocess(["report", str(path), "-o", str(tmp_path / "r.txt")])
    assert run.rc == 2 and run.problems() == [], run.out
    assert "slutar på .docx" in run.out and "r.docx" in run.out
    assert not (tmp_path / "r.txt").exists() and path.read_bytes() == before
    ok = run_inprocess(["report", str(path), "-o", str(tmp_path / "R.DOCX")])
    assert ok.rc == 0 and (tmp_path / "R.DOCX").exists(), ok.out


@pytest.mark.parametrize("serial", [-1, 0, -366])
def test_a_date_formatted_zero_or_negative_serial_is_not_called_a_clock_time(serial: int, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "neg.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    ws = wb["Grupper"]
    header = next(r for r in range(1, 6) if any(c.value == "Startdatum" for c in ws[r]))
    col = next(c.column for c in ws[header] if c.value == "Startdatum")
    ws.cell(header + 1, col, serial).number_format = "yyyy-mm-dd"
    wb.save(path)
    run = run_inprocess(["check", str(path)])
    assert run.rc == 1 and run.problems() == [], run.out
    grupper = [p for p in jobs.check_file(path).results["problems"] if p["sheet"] == "Grupper"]
    assert grupper and "klockslag" not in grupper[0]["message"]
    assert "0 eller ett negativt tal formaterat som datum" in grupper[0]["message"]


def test_generate_prints_its_warning_as_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    # -- a low row limit stands in for Excel's 1 048 576 rows (15 000 participants); a fresh process,
    #    since Python prints a warning once per place --
    code = ("import sys, xlpy.generate as g, xlpy.cli as c; g.EXCEL_MAX_ROWS = 300; "
            "sys.exit(c.main(['generate', sys.argv[1], '--deltagare', '40']))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "stor.xlsx")],
                          capture_output=True, text=True, timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Warning" not in out and "warnings.warn" not in out and ".py:" not in out, out
    assert "Obs: Närvaro rymmer högst" in out and "Skrev" in out


def test_kontroll_row_numbers_link_to_their_row_in_the_file(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "fel.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    ws = wb["Deltagare"]
    header = next(r for r in range(1, 6) if any(c.value == "Startdatum" for c in ws[r]))
    col = next(c.column for c in ws[header] if c.value == "Startdatum")
    ws.cell(header + 3, col, "inte ett datum")
    wb.save(path)
    assert run_inprocess(["recalc", str(path)]).rc == 1
    kontroll = openpyxl.load_workbook(path)["Kontroll"]
    linked = [c for row in kontroll.iter_rows() for c in row if c.hyperlink is not None]
    assert [(c.value, c.hyperlink.location) for c in linked] == [(header + 3, f"'Deltagare'!A{header + 3}")]
    assert linked[0].column_letter == "C" and linked[0].font.u == "single"
    # -- a link within the workbook needs no relationship part, and the sheet stays schema-ordered --
    part = next(n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/worksheets/")
                and b"<hyperlinks>" in zipfile.ZipFile(path).read(n))
    xml = zipfile.ZipFile(path).read(part)
    assert xml.index(b"</sheetData>") < xml.index(b"<hyperlinks>") < xml.index(b"<pageMargins")
    assert b"r:id" not in xml[xml.index(b"<hyperlinks>"):]
