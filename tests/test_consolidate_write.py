"""Writing a consolidated workbook fast without giving up safety (issue #14, target 5): its bulk rows are
joined from pieces and their texts kept in a shared-strings table, and the result is still byte-stable,
reads back as exactly the rows written, and is never half-written."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc

from tests.test_consolidate import write_split
from xlpy import jobs
from xlpy.intake.consolidate import ConsolidatedSource
from xlpy.io import xlsx_package, xlsx_zip
from xlpy.io.base import WorkbookError
from xlpy.model import OutCell, OutputSheet


@pytest.fixture(scope="module")
def split_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_split(tmp_path_factory.mktemp("kommuner_skriv"))


def _day(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time() else value


def _cells(path: Path, sheet: str) -> list[list[Any]]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_sammanstall_gives_the_same_bytes_for_the_same_workbooks(split_files: list[Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    jobs.consolidate_files(split_files, a)
    jobs.consolidate_files(split_files, b)
    assert a.read_bytes() == b.read_bytes()


def test_the_consolidated_rows_read_back_exactly_through_the_shared_strings(split_files: list[Path],
                                                                            tmp_path: Path) -> None:
    out = tmp_path / "samlad.xlsx"
    jobs.consolidate_files(split_files, out)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "xl/sharedStrings.xml" in names
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        assert 'Target="sharedStrings.xml"' in rels
        assert "/xl/sharedStrings.xml" in zf.read("[Content_Types].xml").decode()
    source = ConsolidatedSource([jobs.open_file(p) for p in split_files])
    book = openpyxl.load_workbook(out, read_only=True)
    for name in source.sheet_names():
        want = [["" if v is None else v for v in r] for r in source.read_values(name)]
        got = _cells(out, name)
        # -- row 1 is the note naming the workbooks, row 2 the headers (with Källa), then the rows --
        assert got[1][:len(want[0])] == list(want[0])
        assert [r[:len(want[0])] for r in got[2:]] == want[1:], name
        # -- a second reader (openpyxl) sees the same cells; it gives every date as a datetime --
        other = [["" if v is None else _day(v) for v in r] for r in book[name].iter_rows(min_row=3, values_only=True)]
        assert [r[:len(want[0])] for r in other] == [[_day(v) for v in r] for r in want[1:]], name


def test_writing_output_sheets_into_the_consolidated_workbook_keeps_its_shared_strings(
        split_files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "samlad.xlsx"
    jobs.consolidate_files(split_files, out)
    with zipfile.ZipFile(out) as zf:
        table = zf.read("xl/sharedStrings.xml")
    jobs.recalc_file(out)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("xl/sharedStrings.xml") == table  # -- the table is never rewritten --
        assert [n for n in zf.namelist() if "sharedStrings" in n] == ["xl/sharedStrings.xml"]
    assert jobs.check_file(out).results["levels"]["project"]


def _values_sheet(rows: list[list[Any]], bulk: bool) -> OutputSheet:
    styles = ["text", "date", "text", "text"]
    head = [[OutCell(h, "header") for h in ("Text", "Datum", "Blandat", "Tal")]]
    if bulk:
        return OutputSheet("Blad", head, bulk_rows=rows, bulk_styles=styles)
    return OutputSheet("Blad", head + [[OutCell(v, styles[j]) for j, v in enumerate(r)] for r in rows])


def test_bulk_rows_with_shared_strings_read_as_the_same_cells_written_one_by_one(tmp_path: Path) -> None:
    # -- every kind of value the fast path treats on its own: escapes, Excel's _xHHHH_ escapes, control
    #    characters, spaces, formula-like text, empty text, bools beside 1.0 in one column, dates --
    texts = ["a & b", "<tag>", "_x000D_ literal", "bell\x07", "  lead", "=1+1", "", "Å ä ö", "tab\there", "x"]
    mixed: list[Any] = [True, 1.0, False, 0.0, 2.5, "1", None, "ja", 1, dt.date(2020, 2, 29)]
    rows = [[texts[i % len(texts)], dt.date(2019, 1, 1) + dt.timedelta(days=i), mixed[i % len(mixed)],
             float(i) if i % 3 else None] for i in range(60)]
    fast, slow = tmp_path / "bulk.xlsx", tmp_path / "cells.xlsx"
    xlsx_package.write_copy(None, fast, [_values_sheet(rows, bulk=True)])
    xlsx_package.write_copy(None, slow, [_values_sheet(rows, bulk=False)])
    with zipfile.ZipFile(fast) as zf:
        assert b't="s"' in zf.read("xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(slow) as zf:
        assert "xl/sharedStrings.xml" not in zf.namelist()  # -- cells written one by one stay inline --
    assert _cells(fast, "Blad") == _cells(slow, "Blad")
    book_fast = openpyxl.load_workbook(fast)
    book_slow = openpyxl.load_workbook(slow)
    fast_cells = [[(c.value, c.number_format, c.quotePrefix) for c in r] for r in book_fast["Blad"].iter_rows()]
    slow_cells = [[(c.value, c.number_format, c.quotePrefix) for c in r] for r in book_slow["Blad"].iter_rows()]
    # -- openpyxl undoes Excel's _x005F_ escape in a shared string but not in an inline one: there the
    #    table is the truer of the two, and gives back the text as written --
    literal = [i for i, r in enumerate(rows, start=1) if r[0] == "_x000D_ literal"]
    assert {fast_cells[i][0][0] for i in literal} == {"_x000D_ literal"}
    assert ([r for i, r in enumerate(fast_cells) if i not in literal]
            == [r for i, r in enumerate(slow_cells) if i not in literal])


@pytest.mark.parametrize("where", ["verify", "disk"])
def test_a_failing_write_leaves_the_old_consolidation_and_no_temporary_file(
        split_files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    out = tmp_path / "samlad.xlsx"
    jobs.consolidate_files(split_files, out)
    before = out.read_bytes()
    if where == "verify":
        def fail(tmp: Path, expected: Any) -> None:
            raise OSError("entry differs after writing")
        monkeypatch.setattr(xlsx_package, "_verify", fail)
    else:
        real = xlsx_zip.write_zip

        def half(f: Any, entries: Any) -> None:
            # -- the disk fills up halfway through the package --
            real(f, entries[: len(entries) // 2])
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(xlsx_package, "write_zip", half)
    with pytest.raises((WorkbookError, OSError)):
        jobs.consolidate_files(split_files, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samlad.xlsx"]
    # -- and a first consolidation that fails leaves nothing at all --
    fresh = tmp_path / "ny.xlsx"
    with pytest.raises((WorkbookError, OSError)):
        jobs.consolidate_files(split_files, fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samlad.xlsx"]


def test_blank_rows_are_dropped_and_every_kept_row_keeps_its_own_row_number() -> None:
    from tests.test_consolidate import _memory
    from xlpy import spec

    head = [c.header for c in spec.PARTICIPANTS.columns]
    n = len(head)

    def row(code: str) -> list[Any]:
        return [code, "K1"] + [""] * (n - 2)

    # -- blank rows first, in the middle (two together, "" and None alike), last; calamine writes "" --
    rows_a = [head, [""] * n, row("D1"), [None] * n, [""] * n, row("D2"), row("D3"), [None] * n]
    source = ConsolidatedSource([_memory("a.xlsx", Deltagare=rows_a),
                                 _memory("b.xlsx", Deltagare=[head, row("E1"), [""] * n])])
    got = source.read_values("Deltagare")
    assert [r[0] for r in got[1:]] == ["D1", "D2", "D3", "E1"]
    assert [source.origin("Deltagare", r) for r in range(2, 6)] == [
        ("a.xlsx", 3), ("a.xlsx", 6), ("a.xlsx", 7), ("b.xlsx", 2)]
