"""The jobs a user runs (check, recalc, report, demo, new), shared by the CLI and the Excel ribbon.

Each job reads through a WorkbookSource, computes with the core, and writes through a WorkbookSink; the
file, xlwings and in-memory backends are interchangeable here.
"""

from __future__ import annotations

import functools
import gc
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from xlpy import fmt
from xlpy.core import compute
from xlpy.intake.consolidate import ConsolidatedSource, consolidated_sheets
from xlpy.intake.privacy import PERSONAL_DATA
from xlpy.intake.reading import parse_workbook
from xlpy.io.base import WorkbookError, WorkbookSink, WorkbookSource, sheet_key
from xlpy.model import InputData, OutputSheet, Problem
from xlpy.outputs.sheets import build_output_sheets
from xlpy.resources import EXAMPLE_NAME, data_path
from xlpy.spec import GENERATED_NOTE, INPUT_SHEETS, OUTPUT_SHEETS

P = ParamSpec("P")
R = TypeVar("R")
# -- the packaged copy of workbook/forsta_steget_exempel.xlsx, so `xlpy demo` works after a plain install --
EXAMPLE_WORKBOOK = data_path(EXAMPLE_NAME)
NEXT_YEAR_WORKBOOK = "forsta_steget_exempel_2020-2021.xlsx"


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
    """Read and validate a workbook, including the search for personal identity numbers and names
    (xlpy.intake.privacy, on every row of every input sheet, run by parse_workbook), and a warning for each
    output sheet the user renamed (archived_output_copies).

    A ConsolidatedSource (several workbooks) adds what the consolidation found, and every row-level
    problem points at the workbook and row it came from ("Deltagare i perstorp.xlsx", rad 7)."""
    data = parse_workbook(source)
    data.problems += archived_output_copies(source)
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
    """One workbook file, or several consolidated in memory (xlpy.intake.consolidate); the files are only read."""
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
def recalc_file(path: Path, out: Path | None = None, json_path: Path | None = None,
                before_write: Callable[[dict[str, Any]], None] | None = None,
                also_check: Sequence[Path] = ()) -> Outcome:
    """`xlpy recalc`: write the output sheets into `path` itself (surgically, atomically, under a lock),
    or into a copy at `out` when given. Optionally also write every figure as JSON. `before_write` sees the
    results before anything is written: it may add problems for Kontroll, or raise to write nothing.
    also_check: further files the caller will write afterwards (the report), checked before any write."""
    from xlpy.io import safety, xlsx_package

    path = Path(path)
    if out is None:
        # -- refuse before any work when Excel has the file open; the sink checks again under its lock --
        safety.check_not_open(path)
    # -- every output is checked before the first write, so a bad --json path cannot fail after the
    #    workbook was already changed --
    check_outputs([Path(out)] if out is not None else [], json_path, *also_check)
    source = open_file(path)
    data = load(source)
    results = compute(data)
    if before_write is not None:
        before_write(results)
    sheets = build_output_sheets(results)
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


def archived_output_copies(source: WorkbookSource) -> list[Problem]:
    """A Kontroll warning for each output sheet the user renamed ("Resultat" -> "Resultat 2019"), seen
    while the program's own name is missing, so the next write adds a fresh sheet under that name.

    A renamed sheet is the user's (typically last year's figures kept): it is never written into. An
    earlier version wrote into it under the user's name, to keep the output sheets from being duplicated
    (#5); that protection still holds for the program's names spelled in another case or with spaces
    ("resultat", " RESULTAT "), which the writers treat as the program's sheet. A copy is recognised by
    its first two rows, the program's title ("Resultat – …") and GENERATED_NOTE; only sheets that are
    neither input nor output sheets by name are read, and only when an output sheet is missing.
    """
    names = source.sheet_names()
    taken = {sheet_key(n) for n in names}
    known = {sheet_key(s.name) for s in INPUT_SHEETS} | {sheet_key(n) for n in OUTPUT_SHEETS.values()}
    missing = [n for n in OUTPUT_SHEETS.values() if sheet_key(n) not in taken]
    if not missing:
        return []
    heads = {n: _head_cells(source, n) for n in names if sheet_key(n) not in known}
    found = []
    for name, (a1, a2) in heads.items():
        program_name = next((m for m in missing if a1.startswith(f"{m} – ") and a2.startswith(GENERATED_NOTE)), None)
        if program_name is not None:
            found.append(Problem(
                name, None, "", "",
                f"Bladet ser ut som en tidigare kopia av {program_name} som har fått ett nytt namn. Det räknas "
                f"nu som ditt eget och skrivs aldrig över; programmet skriver {program_name} som ett nytt blad.",
                severity="varning"))
    return found


def _head_cells(source: WorkbookSource, name: str) -> tuple[str, str]:
    rows = source.read_values(name)[:2]
    a1, a2 = ([str(r[0]) if r else "" for r in rows] + ["", ""])[:2]
    return a1, a2


def check_outputs(*paths: Path | list[Path] | None) -> None:
    """Raise WorkbookError (Swedish) unless every given output path can be written (see
    safety.check_output_path); None entries are skipped, lists are flattened."""
    from xlpy.io import safety

    for item in paths:
        for p in item if isinstance(item, list) else [item]:
            if p is not None:
                safety.check_output_path(Path(p))


def write_json(results: dict[str, Any], path: Path) -> Path:
    """Write the results dict as UTF-8 JSON, atomically (temp file beside it, fsync, verify, rename)."""
    from xlpy.io import safety

    path = Path(path)
    text = json.dumps(results, ensure_ascii=False, indent=2, sort_keys=False)

    def verify(tmp: Path) -> None:
        if tmp.read_text(encoding="utf-8") != text:
            raise OSError("JSON differs after writing")

    with safety.workbook_lock(path):
        safety.atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), verify)
    return path


def report_paths(out_docx: Path, pdf: bool) -> list[Path]:
    """The files a report job writes: the .docx, and the .pdf beside it when `pdf`."""
    out_docx = Path(out_docx)
    return [out_docx, out_docx.with_suffix(".pdf")] if pdf else [out_docx]


def write_report(results: dict[str, Any], out_docx: Path, pdf: bool = False,
                 template: Path | None = None) -> list[Path]:
    """Render the Word annual report (and a PDF with LibreOffice when `pdf`) from `template` (None: the
    built-in one). Returns the files written.

    Each file is written like the workbook: a temporary file beside it, flushed, verified, then renamed
    over the old one, so a full disk or a kill leaves the previous report intact; a report open in Word
    (its ~$ owner file is there) is refused; a symbolic link is replaced, not written through.
    """
    from xlpy.report.save import save_report

    out_docx = Path(out_docx)
    check_outputs(report_paths(out_docx, pdf))
    return save_report(results, out_docx, pdf, template=template)


def guard_personal_data(results: dict[str, Any], allow: bool) -> None:
    """Refuse the report while personal data is in the workbook, unless `allow`; an override is recorded in
    results["meta"]["personal_data_override"] so the report can say so in its properties."""
    problems = [p for p in results["problems"] if p.get("kind") == PERSONAL_DATA]
    found = len(problems)
    results["meta"]["personal_data_override"] = bool(found and allow)
    if found and not allow:
        # -- where, as `check` prints it, with the value masked; the first 20, the rest are in Kontroll --
        places = [f"  {p.get('sheet', '–')} rad {p['row'] if p.get('row') is not None else '–'}, kolumn "
                  f"{p.get('column') or '–'}: {p.get('value', '')} – {p.get('message', '')}" for p in problems[:20]]
        if found > 20:
            places.append(f"  … och {found - 20} till i bladet Kontroll.")
        raise ReportRefused(
            f"Rapporten skapas inte: arbetsboken innehåller {fmt.count(found, 'uppgift', 'uppgifter')} som ser ut "
            "som personnummer eller namn (se bladet Kontroll). Ersätt dem med koder och försök igen.\n"
            + "\n".join(places)
        )


def template_checks(template: Path | None) -> Callable[[dict[str, Any]], None] | None:
    """For the evaluator's own template: before anything is written, refuse one with fields the report
    does not know (WorkbookError listing them), and warn in Kontroll of Texter sections it does not use."""
    if template is None:
        return None
    from xlpy.report.context import build_context
    from xlpy.report.template_check import TemplateFieldError, check_fields, unused_sections

    template = Path(template)
    if not template.is_file():
        raise WorkbookError(f"Rapportmallen {template} finns inte.")

    def check(results: dict[str, Any]) -> None:
        try:
            check_fields(template, build_context(results))
            found = unused_sections(template, results.get("texts", {}))
        except TemplateFieldError as exc:
            raise WorkbookError(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - a damaged .docx or broken {% %} tags: one sentence
            raise WorkbookError(f"Rapportmallen {template.name} kunde inte läsas: {exc}.") from exc
        results["problems"] += [{"severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column,
                                 "value": p.value, "message": p.message, "group_id": p.group_id, "kind": p.kind}
                                for p in found]

    return check


def report_file(path: Path, out_docx: Path | None = None, pdf: bool = False, out_workbook: Path | None = None,
                allow_personal_data: bool = False, template: Path | None = None) -> Outcome:
    """`xlpy report`: recalculate the workbook, then write the report beside it (or at `out_docx`), from
    `template` when given (`--mall`). Raises ReportRefused when personal data is found and
    `allow_personal_data` is not set; WorkbookError, before anything is written, for a template with
    unknown fields."""
    path = Path(path)
    target = Path(out_docx) if out_docx else path.with_name(path.stem + "_arsrapport.docx")
    outcome = recalc_file(path, out=out_workbook, before_write=template_checks(template),
                          also_check=report_paths(target, pdf))
    guard_personal_data(outcome.results, allow_personal_data)
    outcome.written += write_report(outcome.results, target, pdf=pdf, template=template)
    return outcome


def report_files(paths: Sequence[Path], out_docx: Path | None = None, pdf: bool = False,
                 out_workbook: Path | None = None, allow_personal_data: bool = False,
                 template: Path | None = None) -> Outcome:
    """`xlpy report` on one workbook, or on several together: their consolidation in memory, straight
    to one report (default name beside the first: sammanstallning_arsrapport.docx). The sources are
    not changed; `out_workbook` also writes the consolidated workbook with its output sheets."""
    if len(paths) == 1:
        return report_file(Path(paths[0]), out_docx, pdf, out_workbook, allow_personal_data, template)
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
    """`xlpy demo`: recalculate a copy of the bundled example workbook into `out_dir` and write its report;
    then the same example a year later (Rapportperiod 2020-02-01 – 2021-02-01) and its report."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / EXAMPLE_WORKBOOK.name
    shutil.copyfile(EXAMPLE_WORKBOOK, copy)
    outcome = recalc_file(copy, json_path=out_dir / "resultat.json")
    guard_personal_data(outcome.results, allow=False)
    outcome.written += write_report(outcome.results, out_dir / "arsrapport.docx", pdf=pdf)
    # -- the next year's report of the same example (issue #12): groups 1-2 only over time and in the
    #    comparison, group 3 the period's groups, the 2020 januari statistics as the baseline --
    from xlpy.example import build_next_year

    later = out_dir / NEXT_YEAR_WORKBOOK
    build_next_year(later)
    second = recalc_file(later, json_path=out_dir / "resultat_2020-2021.json")
    guard_personal_data(second.results, allow=False)
    outcome.written += second.written + write_report(second.results, out_dir / "arsrapport_2020-2021.docx", pdf=pdf)
    return outcome


def import_survey(workbook: Path, export: Path, survey: str, group: str | None = None,
                  date: Any = None, again: bool = False, rng: Any = None) -> Any:
    """`xlpy enkat importera`: add a survey tool's export to the workbook's Enkätsvar (and new questions to
    Enkätfrågor), surgically and atomically. Returns the xlpy.intake.survey_import.ImportPlan that was written.
    Raises WorkbookError (ImportRefused) with a Swedish message; the workbook is then unchanged."""
    from xlpy import spec
    from xlpy.intake.reading import norm_name
    from xlpy.intake.survey_import import ImportRefused, column_positions, plan_import, read_export
    from xlpy.io import safety
    from xlpy.io.xlsx_append import Append, append_rows

    workbook, export = Path(workbook), Path(export)
    safety.check_not_open(workbook)
    source = open_file(workbook)
    try:
        names = {norm_name(n): n for n in source.sheet_names()}
        missing = [s.name for s in (spec.SURVEY_QUESTIONS, spec.SCALES, spec.SURVEY_ANSWERS)
                   if norm_name(s.name) not in names]
        if missing:
            raise ImportRefused(f"Arbetsboken {workbook.name} saknar bladen {', '.join(missing)}. Lägg till dem "
                                "(de finns i en ny arbetsbok från `xlpy new`) och importera igen.")
        data = load(source)
        plan = plan_import(read_export(export), data, survey, group, date=date, rng=rng, export_name=export.name,
                           again=again)
        appends = []
        for sheet, rows in ((spec.SURVEY_ANSWERS, plan.answers), (spec.SURVEY_QUESTIONS, plan.questions)):
            if not rows:
                continue
            actual = names[norm_name(sheet.name)]
            header_row, index, first = column_positions(source.read_values(actual), sheet)
            appends.append(Append(actual, header_row, first,
                                  [{index[k]: v for k, v in r.items() if v is not None} for r in rows]))
    finally:
        close = getattr(source, "close", None)
        if callable(close):
            close()
    append_rows(workbook, appends)
    return plan
