"""The jobs a user runs (check, recalc, report, demo, new), shared by the CLI and the Excel ribbon.

Each job reads through a WorkbookSource, computes with the core, and writes through a WorkbookSink; the
file, xlwings and in-memory backends are interchangeable here.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from xlpy.consolidate import ConsolidatedSource, consolidated_sheets
from xlpy.core import compute
from xlpy.io.base import WorkbookError, WorkbookSink, WorkbookSource
from xlpy.model import InputData, OutputSheet, Problem
from xlpy.privacy import find_personal_data
from xlpy.reading import parse_workbook
from xlpy.sheets import build_output_sheets
from xlpy.spec import GENERATED_NOTE, INPUT_SHEETS, OUTPUT_SHEETS

P = ParamSpec("P")
R = TypeVar("R")
EXAMPLE_WORKBOOK = Path(__file__).resolve().parent.parent / "workbook" / "forsta_steget_exempel.xlsx"
PERSONAL_DATA = "personuppgift"


class ReportRefused(Exception):
    """The report was not written because the workbook holds personal data (message in Swedish)."""


def gc_paused(job: Callable[P, R]) -> Callable[P, R]:
    """Run `job` with Python's cyclic garbage collector paused (and restored after, if it was on).

    A job builds millions of short-lived lists, dates and strings (calamine's rows, the DataFrames, the
    output cells) and almost no reference cycles. The collector keeps scanning them all the same: 15 % of
    a recalc at 5 000 participants, and more the bigger the workbook (calamine's `to_python` of a
    1 M-row Närvaro takes twice as long with it on). Memory was measured unchanged. Not used for the
    report's rendering: matplotlib and python-docx do make cycles, and pausing there held ~60 MB more at
    20 000 participants for no gain in time.
    """

    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return job(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run


@gc_paused
def load(source: WorkbookSource) -> InputData:
    """Read and validate a workbook, including the search for personal identity numbers and names.

    A ConsolidatedSource (several workbooks) adds what the consolidation found, and every row-level
    problem points at the workbook and row it came from ("Deltagare i perstorp.xlsx", rad 7)."""
    data = parse_workbook(source)
    data.problems += [dataclasses.replace(p, kind=PERSONAL_DATA) for p in find_personal_data(data)]
    if isinstance(source, ConsolidatedSource):
        data.problems = source.problems + source.located(data.problems)
        data.sources = [s.name for s in source.sources]
    return data


@dataclass
class Outcome:
    """What a job did: the parsed input, the results dict and the files it wrote."""

    data: InputData
    results: dict[str, Any]
    written: list[Path]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.results["problems"] if p["severity"] == "fel")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.results["problems"] if p["severity"] != "fel")


@gc_paused
def check_source(source: WorkbookSource) -> Outcome:
    """Read and validate only; nothing is written."""
    data = load(source)
    return Outcome(data, compute(data), [])


@gc_paused
def recalc_source(source: WorkbookSource, sink: WorkbookSink) -> dict[str, Any]:
    """Read, compute and write the four output sheets through `sink`. Returns the results dict."""
    data = load(source)
    results = compute(data)
    sink.write_sheets(build_output_sheets(results))
    return results


def open_file(path: Path) -> WorkbookSource:
    """A file-backed source; raises WorkbookError with a Swedish sentence if it cannot be read."""
    from xlpy.io.calamine_backend import open_source

    return open_source(path)


def open_files(paths: Sequence[Path]) -> WorkbookSource:
    """One workbook file, or several consolidated in memory (xlpy.consolidate); the files are only read."""
    if len(paths) == 1:
        return open_file(Path(paths[0]))
    return ConsolidatedSource([open_file(Path(p)) for p in paths])


def check_files(paths: Sequence[Path]) -> Outcome:
    """`xlpy check` on one workbook or on several together."""
    return check_source(open_files(paths))


def recalc_files(paths: Sequence[Path], out: Path | None = None, json_path: Path | None = None) -> Outcome:
    """`xlpy recalc` on several workbooks: their consolidation's figures to `--json` and/or a new workbook
    `out` holding every input row (with Källa) and the output sheets. The source files are not changed."""
    if len(paths) == 1:
        return recalc_file(Path(paths[0]), out, json_path)
    if out is None and json_path is None:
        raise WorkbookError("Med flera arbetsböcker ändras ingen av dem: ange -o SAMLAD.xlsx och/eller "
                            "--json FIL för var resultatet ska skrivas.")
    _check_outputs([p for p in (out, json_path) if p is not None], paths)
    source = open_files(paths)
    data = load(source)
    results = compute(data)
    written: list[Path] = []
    if out is not None:
        assert isinstance(source, ConsolidatedSource)
        xlsx_package_write(out, consolidated_sheets(source) + build_output_sheets(results))
        written.append(Path(out))
    if json_path is not None:
        write_json(results, Path(json_path))
        written.append(Path(json_path))
    return Outcome(data, results, written)


def consolidate_files(paths: Sequence[Path], out: Path) -> tuple[list[Problem], list[Path]]:
    """`xlpy sammanstall`: write one workbook `out` holding every input row of `paths` (column Källa).

    Returns the consolidation's problems and the files written. Nothing is written when a problem is an
    error (the same GruppID or DeltagarID in two workbooks, Statistik that disagree): refuse rather than
    guess. The source files are only read."""
    if len(paths) < 2:
        raise WorkbookError("Ange minst två arbetsböcker att sammanställa.")
    _check_outputs([Path(out)], paths)
    source = open_files(paths)
    assert isinstance(source, ConsolidatedSource)
    if any(p.severity == "fel" for p in source.problems):
        return source.problems, []
    xlsx_package_write(Path(out), consolidated_sheets(source))
    return source.problems, [Path(out)]


def _check_outputs(outputs: Sequence[Path], sources: Sequence[Path]) -> None:
    # -- a source is only ever read: an output that is one of them would overwrite a municipality's data --
    resolved = {Path(p).resolve() for p in sources}
    for out in outputs:
        if Path(out).resolve() in resolved:
            raise WorkbookError(f"{Path(out).name} är en av arbetsböckerna som läses; välj ett annat namn "
                                "för resultatet.")


def xlsx_package_write(out: Path, sheets: list[OutputSheet]) -> None:
    """A new workbook file `out` holding `sheets` (atomic, like every workbook the program writes)."""
    from xlpy.io import xlsx_package

    xlsx_package.write_copy(None, Path(out), sheets)


def check_file(path: Path) -> Outcome:
    """`xlpy check`: validate a workbook file."""
    return check_source(open_file(path))


@gc_paused
def recalc_file(path: Path, out: Path | None = None, json_path: Path | None = None) -> Outcome:
    """`xlpy recalc`: write the output sheets into `path` itself (surgically, atomically, under a lock),
    or into a copy at `out` when given. Optionally also write every figure as JSON."""
    from xlpy.io import safety, xlsx_package

    path = Path(path)
    if out is None:
        # -- refuse before any work when Excel has the file open; the sink checks again under its lock --
        safety.check_not_open(path)
    source = open_file(path)
    data = load(source)
    results = compute(data)
    sheets = adopt_renamed_outputs(source, build_output_sheets(results))
    if out is None:
        xlsx_package.XlsxPackageSink(path).write_sheets(sheets)
        written = [path]
    else:
        xlsx_package.write_copy(path, Path(out), sheets)
        written = [Path(out)]
    if json_path is not None:
        write_json(results, Path(json_path))
        written.append(Path(json_path))
    return Outcome(data, results, written)


def adopt_renamed_outputs(source: WorkbookSource, sheets: list[OutputSheet]) -> list[OutputSheet]:
    """`sheets`, where an output sheet the user renamed ("Resultat" -> "Resultat 2019") takes the user's
    name, so the writer replaces it in place instead of adding a second Resultat beside it.

    A renamed output sheet is recognised by its first two rows: the program's title ("Resultat – …") and
    the GENERATED_NOTE. Only sheets that are neither input nor output sheets by name are read.
    """
    names = source.sheet_names()
    taken = {n.strip().casefold() for n in names}
    known = {s.name.casefold() for s in INPUT_SHEETS} | {n.casefold() for n in OUTPUT_SHEETS.values()}
    missing = [s for s in sheets if s.name.strip().casefold() not in taken]
    # -- each candidate is read once, and only when an output sheet is missing by name --
    heads = {n: _head_cells(source, n) for n in names if missing and n.strip().casefold() not in known}
    renamed: dict[str, str] = {}
    for sheet in missing:
        match = next((n for n, (a1, a2) in heads.items() if a1.startswith(f"{sheet.name} – ")
                      and a2.startswith(GENERATED_NOTE) and n not in renamed.values()), None)
        if match is not None:
            renamed[sheet.name] = match
    return [dataclasses.replace(s, name=renamed[s.name]) if s.name in renamed else s for s in sheets]


def _head_cells(source: WorkbookSource, name: str) -> tuple[str, str]:
    rows = source.read_values(name)[:2]
    a1, a2 = ([str(r[0]) if r else "" for r in rows] + ["", ""])[:2]
    return a1, a2


def write_json(results: dict[str, Any], path: Path) -> Path:
    """Write the results dict as UTF-8 JSON, atomically (temp file, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=False), encoding="utf-8")
    tmp.replace(path)
    return path


def write_report(results: dict[str, Any], out_docx: Path, pdf: bool = False) -> list[Path]:
    """Render the Word annual report (and a PDF with LibreOffice when `pdf`). Returns the files written."""
    from xlpy.report import convert_to_pdf, render_report

    out_docx = Path(out_docx)
    written = [Path(render_report(results, out_docx))]
    if pdf:
        written.append(Path(convert_to_pdf(out_docx)))
    return written


def guard_personal_data(results: dict[str, Any], allow: bool) -> None:
    """Refuse the report while personal data is in the workbook, unless `allow`; an override is recorded in
    results["meta"]["personal_data_override"] so the report can say so in its properties."""
    found = sum(1 for p in results["problems"] if p.get("kind") == PERSONAL_DATA)
    results["meta"]["personal_data_override"] = bool(found and allow)
    if found and not allow:
        raise ReportRefused(
            f"Rapporten skapas inte: arbetsboken innehåller {found} uppgifter som ser ut som personnummer "
            "eller namn (se bladet Kontroll). Ersätt dem med koder och försök igen."
        )


def report_file(path: Path, out_docx: Path | None = None, pdf: bool = False, out_workbook: Path | None = None,
                allow_personal_data: bool = False) -> Outcome:
    """`xlpy report`: recalculate the workbook, then write the report beside it (or at `out_docx`).
    Raises ReportRefused when personal data is found and `allow_personal_data` is not set."""
    path = Path(path)
    outcome = recalc_file(path, out=out_workbook)
    guard_personal_data(outcome.results, allow_personal_data)
    target = Path(out_docx) if out_docx else path.with_name(path.stem + "_arsrapport.docx")
    outcome.written += write_report(outcome.results, target, pdf=pdf)
    return outcome


def report_files(paths: Sequence[Path], out_docx: Path | None = None, pdf: bool = False,
                 out_workbook: Path | None = None, allow_personal_data: bool = False) -> Outcome:
    """`xlpy report` on one workbook, or on several together: their consolidation in memory, straight
    to one report (default name beside the first: sammanstallning_arsrapport.docx). The sources are
    not changed; `out_workbook` also writes the consolidated workbook with its output sheets."""
    if len(paths) == 1:
        return report_file(Path(paths[0]), out_docx, pdf, out_workbook, allow_personal_data)
    target = Path(out_docx) if out_docx else Path(paths[0]).with_name("sammanstallning_arsrapport.docx")
    _check_outputs([target] + ([Path(out_workbook)] if out_workbook else []), paths)
    source = open_files(paths)
    data = load(source)
    results = compute(data)
    guard_personal_data(results, allow_personal_data)
    written: list[Path] = []
    if out_workbook is not None:
        assert isinstance(source, ConsolidatedSource)
        xlsx_package_write(Path(out_workbook), consolidated_sheets(source) + build_output_sheets(results))
        written.append(Path(out_workbook))
    written += write_report(results, target, pdf=pdf)
    return Outcome(data, results, written)


def demo(out_dir: Path, pdf: bool = False) -> Outcome:
    """`xlpy demo`: recalculate a copy of the bundled example workbook into `out_dir` and write its report."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / EXAMPLE_WORKBOOK.name
    shutil.copyfile(EXAMPLE_WORKBOOK, copy)
    outcome = recalc_file(copy, json_path=out_dir / "resultat.json")
    guard_personal_data(outcome.results, allow=False)
    outcome.written += write_report(outcome.results, out_dir / "arsrapport.docx", pdf=pdf)
    return outcome
