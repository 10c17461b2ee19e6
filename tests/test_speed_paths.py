"""Speed of the whole command (issue #17): what `xlpy recalc` imports, and the read-ahead of Närvaro that
overlaps calamine's parse with the imports. Timings are benchmarks/commands.py's business; these tests
pin the mechanisms, and that they change no result."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlpy.io import calamine_backend
from xlpy.jobs import EXAMPLE_WORKBOOK, recalc_file

ROOT = Path(__file__).resolve().parents[1]
# -- the report's and the new-workbook writer's libraries: a recalc needs none of them --
NOT_ON_THE_RECALC_PATH = ("matplotlib", "docx", "docxtpl", "openpyxl", "xlsxwriter", "xlwings")


@pytest.fixture()
def example(tmp_path: Path) -> Path:
    book = tmp_path / "exempel.xlsx"
    shutil.copyfile(EXAMPLE_WORKBOOK, book)
    return book


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    code = ("import sys, json; from xlpy.cli import main; code = main(sys.argv[1:]); "
            "print(json.dumps(sorted(sys.modules))); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return {m.split(".")[0] for m in json.loads(proc.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize("command", [["recalc"], ["check"]])
def test_recalc_and_check_import_no_report_or_openpyxl(command: list[str], example: Path) -> None:
    loaded = _modules_after([*command, str(example)], example.parent)
    assert "pandas" in loaded and "python_calamine" in loaded  # -- the test sees what a run loads --
    assert loaded.isdisjoint(NOT_ON_THE_RECALC_PATH), sorted(loaded & set(NOT_ON_THE_RECALC_PATH))


def test_help_imports_neither_pandas_nor_calamine(tmp_path: Path) -> None:
    code = "import sys; from xlpy.cli import build_parser; build_parser(); print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=True).stdout
    assert "'pandas'" not in out and "'python_calamine'" not in out


def test_read_ahead_hands_its_source_to_the_next_open_once(example: Path) -> None:
    calamine_backend.read_ahead(example, "närvaro")  # -- found by sheet_key, as the readers compare names --
    try:
        first = calamine_backend.open_source(example)
        assert "Närvaro" in first._prefetched  # -- its parse started before anyone asked --
        second = calamine_backend.open_source(example)
        assert second is not first
        first.close()
        second.close()
    finally:
        calamine_backend.discard_ahead()


def test_read_ahead_of_a_file_changed_since_is_not_used(example: Path, tmp_path: Path) -> None:
    calamine_backend.read_ahead(example, "Närvaro")
    try:
        other = tmp_path / "annan.xlsx"
        shutil.copyfile(EXAMPLE_WORKBOOK, other)
        os.replace(other, example)  # -- a new file under the same name (as a save from Excel makes) --
        source = calamine_backend.open_source(example)
        assert "Närvaro" not in source._prefetched
        source.close()
    finally:
        calamine_backend.discard_ahead()


def test_read_ahead_of_something_unreadable_leaves_the_message_to_the_job(tmp_path: Path) -> None:
    bad = tmp_path / "trasig.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    calamine_backend.read_ahead(bad, "Närvaro")
    calamine_backend.read_ahead(tmp_path / "saknas.xlsx", "Närvaro")
    assert not calamine_backend._AHEAD
    with pytest.raises(calamine_backend.WorkbookError, match="skadad"):
        calamine_backend.open_source(bad)


def test_recalc_through_the_read_ahead_writes_the_same_bytes(example: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    recalc_file(example, out=plain, json_path=tmp_path / "plain.json")
    calamine_backend.read_ahead(example, "Närvaro")
    try:
        ahead = tmp_path / "ahead.xlsx"
        recalc_file(example, out=ahead, json_path=tmp_path / "ahead.json")
        assert not calamine_backend._AHEAD  # -- the job took it --
    finally:
        calamine_backend.discard_ahead()
    assert ahead.read_bytes() == plain.read_bytes()
    assert (tmp_path / "ahead.json").read_bytes() == (tmp_path / "plain.json").read_bytes()


def test_the_console_script_exits_with_mains_code_and_its_output_flushed(example: Path, tmp_path: Path) -> None:
    # -- run() ends the process with os._exit: every line printed must still arrive, exit code intact --
    def xlpy(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "xlpy", *args], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)

    missing = xlpy("recalc", str(tmp_path / "saknas.xlsx"))
    assert missing.returncode == 2 and missing.stdout.startswith("Fel: Filen saknas.xlsx finns inte")
    done = xlpy("recalc", str(example), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stdout
    assert done.stdout.rstrip().endswith(f"Skrev {tmp_path / 'r.json'}")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["problems"] is not None


# -- the parse check of a sheet of bulk rows (a consolidated Närvaro) goes through its proof document --

def _bulk_sheet(n: int, odd_at: int | None = None) -> Any:
    from xlpy.model import OutCell, OutputSheet

    rows = [[f"P{i % 97:03d}", dt.date(2019, 9, 2) + dt.timedelta(days=i % 200), ["N", "F", "G"][i % 3],
             float(i % 7) if i % 5 else None] for i in range(n)]
    if odd_at is not None:
        rows[odd_at][0] = "ODD"
    return OutputSheet("Närvaro", [[OutCell("DeltagarID", "header"), OutCell("Datum", "header"),
                                    OutCell("Status", "header"), OutCell("Tal", "header")]],
                       bulk_rows=rows, bulk_styles=["text", "date", "text", "int"])


def test_the_proof_of_a_bulk_sheet_holds_every_distinct_cell_and_parses_like_it() -> None:
    from xml.parsers import expat

    from xlpy.io.xlsx_sheetxml import worksheet_xml

    proof: list[bytes] = []
    xml = worksheet_xml(_bulk_sheet(5000), lambda style: 0, proof=proof)
    assert len(proof) == 1 and len(proof[0]) < len(xml) / 20
    expat.ParserCreate().Parse(xml, True)
    expat.ParserCreate().Parse(proof[0], True)
    body = re.compile(rb'<c r="([A-Z]+)[0-9]+"(.*?)(?=<c r="|</row>)')
    cells, in_proof = set(body.findall(xml)), set(body.findall(proof[0]))
    assert len(cells) > 300 and cells <= in_proof  # -- every distinct (column, cell body) is in the proof --
    none: list[bytes] = []
    worksheet_xml(_bulk_sheet(0), lambda style: 0, proof=none)
    assert none == []  # -- a sheet without bulk rows is checked as it is --


def test_a_bulk_sheet_with_one_malformed_cell_is_refused_and_the_file_left_alone(tmp_path: Path, monkeypatch) -> None:
    from xml.parsers import expat

    from xlpy.io import xlsx_package, xlsx_sheetxml

    real, real_shared = xlsx_sheetxml._cell, xlsx_sheetxml._shared_pieces

    def cell(ref: str, value: Any, *args: Any, **kwargs: Any) -> str:
        # -- a cell the writer got wrong, once among 5 000 rows: the proof must catch it too --
        return f'<c r="{ref}"><v>1</c>' if value == "ODD" else real(ref, value, *args, **kwargs)

    def shared_pieces(values: list[Any], *args: Any) -> list[str | None]:
        # -- the same mistake in a text cell of the shared-strings table (a new workbook's bulk texts) --
        return [' t="s"><v>1</c>' if v == "ODD" else p for v, p in zip(values, real_shared(values, *args), strict=True)]

    monkeypatch.setattr(xlsx_sheetxml, "_cell", cell)
    monkeypatch.setattr(xlsx_sheetxml, "_shared_pieces", shared_pieces)
    out = tmp_path / "samlad.xlsx"
    xlsx_package.write_copy(None, out, [_bulk_sheet(5000)])  # -- without the odd cell: written --
    before = out.read_bytes()
    with pytest.raises(expat.ExpatError):
        xlsx_package.write_copy(None, out, [_bulk_sheet(5000, odd_at=4321)])
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samlad.xlsx"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab&<>\"'\n\r\t å\u00a0", max_size=14))
def test_the_writers_escapes_are_saxutils_own(text: str) -> None:
    # -- our copies spare every command xml.sax.saxutils' imports (urllib.request, http.client, ssl) --
    from xml.sax import saxutils

    from xlpy.io.xlsx_sheetxml import escape, quoteattr

    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)


def test_the_console_script_starts_numpy_without_a_blas_thread_pool(tmp_path: Path, monkeypatch) -> None:
    from xlpy import cli

    exits: list[int] = []
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "_exit", exits.append)
    monkeypatch.setattr(sys, "argv", ["xlpy", "check", str(tmp_path / "saknas.xlsx")])
    cli.run()
    assert exits == [2] and os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")  # -- the user's own setting is kept --
    cli.run()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_writes_after_its_parent_did(example: Path, tmp_path: Path) -> None:
    # -- the deflate worker is per process: a child forked after the parent wrote (multiprocessing's
    #    default on Linux, as the corpus campaign runs) must not wait on the parent's worker thread --
    import multiprocessing

    recalc_file(example, out=tmp_path / "parent.xlsx")
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        result = pool.apply_async(_recalc_copy, (str(example), str(tmp_path / "child.xlsx")))
        assert result.get(timeout=120) == (tmp_path / "parent.xlsx").read_bytes()


def _recalc_copy(src: str, out: str) -> bytes:
    recalc_file(Path(src), out=Path(out))
    return Path(out).read_bytes()


def test_a_refused_recalc_does_not_wait_for_the_read_ahead(tmp_path: Path, monkeypatch) -> None:
    # -- the file open in Excel (its ~$ owner file): refused at once, not after Närvaro's parse --
    import threading
    import time

    from xlpy import cli

    book = tmp_path / "exempel.xlsx"
    shutil.copyfile(EXAMPLE_WORKBOOK, book)
    (tmp_path / "~$exempel.xlsx").write_bytes(b"owner")
    release = threading.Event()
    real = calamine_backend.pc.CalamineWorkbook.from_path

    def slow_open(path: str) -> Any:
        if threading.current_thread() is not threading.main_thread():
            release.wait(30)  # -- the background parse takes "long" --
        return real(path)

    monkeypatch.setattr(calamine_backend.pc.CalamineWorkbook, "from_path", slow_open)
    start = time.perf_counter()
    try:
        assert cli.main(["recalc", str(book)]) == 2
        assert time.perf_counter() - start < 10
    finally:
        release.set()
    assert not calamine_backend._AHEAD


# -- the pre-parse scan's cheaper tests find exactly what the full ones find --

_REF_TEXT = st.builds(lambda col, row, quote: f"<c r={quote}{col}{row}{quote} t={quote}{'e' if row % 5 == 0 else 's'}"
                      f"{quote}><v>1</v></c>",
                      st.text(alphabet="ABZX", min_size=1, max_size=3), st.integers(1, 9_999_999),
                      st.sampled_from(['"', "'"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_REF_TEXT, st.sampled_from(["<row r=\"7\">", "</row>", "'", "x"])), max_size=40),
       st.integers(16, 200))
def test_the_scan_finds_far_cells_and_error_marks_as_the_full_searches_do(pieces: list[str], chunk: int) -> None:
    import io
    import zipfile

    from xlpy.io import xlsx_cells

    xml = ("<worksheet><sheetData>" + " ".join(pieces) + "</sheetData></worksheet>").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("s.xml", xml)
    with zipfile.ZipFile(buf) as zf:
        scan = xlsx_cells.scan_sheet(zf, "s.xml", chunk_size=chunk)
    far = set(xlsx_cells._FAR.findall(xml))
    assert scan.max_col == max((xlsx_cells.column_index(c) + 1 for c, _ in far if len(c) > 1), default=0)
    assert scan.max_row >= max((int(r) for _, r in far), default=0)
    assert scan.has_errors == any(m in xml for m in xlsx_cells._ERROR_MARKS)
