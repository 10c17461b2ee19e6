"""Reading never escapes as a panic, an abort or a thread's traceback, and a stray cell far away costs
memory in proportion to the cells, not to the sheet's rectangle (issue #11, items 1–3)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from tests.corpus import attacks
from tests.corpus.harness import REPO, run_inprocess, run_subprocess, sha256
from tests.corpus.variants import EXAMPLE
from xlpy.io import xlsx_cells
from xlpy.io.base import WorkbookError
from xlpy.io.calamine_backend import _sheet_part, open_source

DATA = Path(__file__).parent / "data" / "reading"


def _unpacked(name: str, tmp_path: Path) -> Path:
    out = tmp_path / name.removesuffix(".gz")
    out.write_bytes(gzip.decompress((DATA / name).read_bytes()))
    return out


# -- fuzzed from the example's .xls: one makes calamine panic, one makes it ask for 46 GB and abort --
@pytest.mark.parametrize("name", ["fuzzed_panic.xls.gz", "fuzzed_abort.xls.gz"])
def test_a_file_that_crashes_calamine_is_one_sentence_and_exit_2(name: str, tmp_path: Path) -> None:
    path = _unpacked(name, tmp_path)
    run = run_subprocess(["check", str(path)], timeout=120)
    assert run.rc == 2 and run.problems() == [], run.out
    assert "skadad" in run.out and "panicked" not in run.out and "backtrace" not in run.out


def _panic_type() -> type[BaseException]:
    # -- pyo3's PanicException cannot be imported; take it from a real panic --
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = _unpacked("fuzzed_panic.xls.gz", Path(d))
        try:
            book = pc.CalamineWorkbook.from_path(str(path))
            for n in book.sheet_names:
                book.get_sheet_by_name(n).to_python()
        except BaseException as exc:  # noqa: BLE001 -- the panic is what we want
            if type(exc).__name__ == "PanicException":
                return type(exc)
            raise
    raise AssertionError("the fuzzed file no longer panics")


def test_a_panic_reading_an_xlsx_sheet_is_a_workbook_error(monkeypatch: pytest.MonkeyPatch) -> None:
    panic = _panic_type()
    assert not issubclass(panic, Exception)  # -- why `except Exception` did not catch it --
    with open_source(EXAMPLE) as source:
        def boom(_name: str) -> None:
            raise panic("no entry found for key")

        monkeypatch.setattr(source, "_book", type("B", (), {"get_sheet_by_name": staticmethod(boom),
                                                            "close": lambda self: None})())
        with pytest.raises(WorkbookError, match="Bladet Deltagare i .* går inte att läsa"):
            source.read_values("Deltagare")


def _peak_run(path: Path, limit_bytes: int) -> subprocess.CompletedProcess[str]:
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit_bytes}, {limit_bytes}))\n"
            "from xlpy.cli import main\n"
            "sys.exit(main(['check', sys.argv[1]]))\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=str(REPO))


@pytest.mark.parametrize(("ref", "sheet"), [("XFD1048576", "Texter"), ("ZZ100000", "Närvaro"),
                                            ("XFD1", "Deltagare")])
def test_one_stray_cell_far_away_costs_little_memory(ref: str, sheet: str, tmp_path: Path) -> None:
    path = attacks.stray_cell(tmp_path / "stray.xlsx", ref, sheet=sheet)
    # -- before: XFD1048576 asked calamine for 549 GB and aborted; ZZ100000 took 2.7 GB --
    proc = _peak_run(path, 1536 * 2**20)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_stray_cell_is_still_read(tmp_path: Path) -> None:
    path = attacks.stray_cell(tmp_path / "stray.xlsx", "ZZ100000", sheet="Texter", value="hej")
    with open_source(path) as source:
        rows = source.read_values("Texter")
    assert len(rows) == 100_000 and rows[-1][column("ZZ")] == "hej"
    with open_source(EXAMPLE) as source:
        assert _trimmed(rows[:20]) == _trimmed(source.read_values("Texter"))


def column(letters: str) -> int:
    return xlsx_cells.column_index(letters)


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


def test_the_sparse_reader_gives_calamines_values_for_every_sheet() -> None:
    book = pc.CalamineWorkbook.from_path(str(EXAMPLE))
    with zipfile.ZipFile(EXAMPLE) as zf:
        parts = xlsx_cells.book_parts(zf, "xl/workbook.xml", 2**30)
        for name in book.sheet_names:
            part = _sheet_part(zf, name)
            assert part is not None
            mine = xlsx_cells.read_sparse(zf, part, parts)
            theirs = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            assert _trimmed(mine) == _trimmed(theirs), name
            assert not xlsx_cells.scan_sheet(zf, part).out_of_proportion, name
    book.close()


@pytest.mark.parametrize("code", ["yyyy-mm-dd", "[$-41D]d mmmm yyyy", "h:mm", '"dag" d'])
def test_date_formats_are_recognised(code: str) -> None:
    assert xlsx_cells._format_kind(code) == "date"


@pytest.mark.parametrize("code", ["0.00", '"kr" #,##0', "0 %", "General"])
def test_number_formats_are_not_dates(code: str) -> None:
    assert xlsx_cells._format_kind(code) == ""


@pytest.mark.parametrize("make", [attacks.with_dtd, attacks.duplicate_attribute])
def test_a_sheet_the_error_scan_cannot_parse_is_one_sentence_no_thread_traceback(make, tmp_path: Path) -> None:  # noqa: ANN001
    path = make(tmp_path / "bad.xlsx")
    before = sha256(path)
    for verb in ("check", "recalc"):
        run = run_subprocess([verb, str(path)])
        assert run.rc == 2 and run.problems() == [], run.out
        assert "Exception in thread" not in run.out and "Bladet Deltagare" in run.out
    assert sha256(path) == before


def test_a_sheet_with_a_dtd_is_refused_in_process(tmp_path: Path) -> None:
    path = attacks.with_dtd(tmp_path / "dtd.xlsx")
    shutil.copyfile(path, tmp_path / "copy.xlsx")
    run = run_inprocess(["check", str(tmp_path / "copy.xlsx")])
    assert run.rc == 2 and run.problems() == [], run.out
