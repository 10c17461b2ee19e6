"""The ribbon's actions, run by the add-in's VBA callbacks via xlwings' RunPython.

Each is a thin layer over `xlpy.jobs`, the same pipeline the CLI uses, working on an xlwings `Book`
(default: the workbook the user clicked in, `xw.Book.caller()`). This module is the boundary to the
user: every error becomes a Swedish message box, never a traceback; the traceback goes to a log file
whose path the message names.
"""

from __future__ import annotations

import logging
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlwings as xw

from xlpy import fmt, spec
from xlpy.io.base import WorkbookError
from xlpy.io.xlwings_backend import XlwingsBook

TITLE = "Första Steget"
LOG_FILE = Path(tempfile.gettempdir()) / "forsta_steget_fel.log"
_log = logging.getLogger(__name__)


def _caller(book: Any) -> Any:
    return book if book is not None else xw.Book.caller()


def _alert(book: Any, message: str, mode: str | None = None) -> None:
    book.app.alert(message, title=TITLE, mode=mode)


def _problem_summary(results: dict[str, Any]) -> str:
    problems = results.get("problems", [])
    errors = sum(1 for p in problems if p.get("severity") == "fel")
    warnings = len(problems) - errors
    if not problems:
        return "Inga fel hittades i indata."
    return (f"{errors} fel och {fmt.count(warnings, 'varning', 'varningar')} i indata – se bladet "
            f"{spec.OUTPUT_SHEETS['problems']}.")


def _guarded(book: Any, job: Callable[[Any], str | None]) -> str | None:
    """Run `job(book)`; show its message, or turn any failure into a Swedish message. Returns the message."""
    try:
        book = _caller(book)
    except Exception:  # noqa: BLE001 - without a book there is no one to tell but the log
        _log.exception("no calling workbook")
        raise
    try:
        message = job(book)
        if message:
            _alert(book, message, mode="info")
        return message
    except WorkbookError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - the user gets a sentence, the log gets the traceback
        try:
            LOG_FILE.write_text(traceback.format_exc(), encoding="utf-8")
            where = f" Tekniska detaljer finns i {LOG_FILE}."
        except OSError:
            where = ""
        message = f"Något gick fel ({type(exc).__name__}: {exc}).{where}"
    _alert(book, message, mode="critical")
    return message


def _recalculate(book: Any) -> dict[str, Any]:
    from xlpy.jobs import recalc_source

    wb = XlwingsBook(book)
    return recalc_source(wb, wb)


def recalculate(book: Any = None) -> str | None:
    """*Beräkna mål*: read the input sheets, write Resultat, Måluppfyllelse, Samhällskostnad and Kontroll.

    `book` None = the calling workbook. Returns the message shown to the user.
    """

    def job(b: Any) -> str:
        results = _recalculate(b)
        # -- the sheets actually written: Enkätresultat only when the workbook has survey data --
        has_surveys = bool(results.get("surveys") or results.get("response_rates"))
        names = ", ".join(n for k, n in spec.OUTPUT_SHEETS.items() if k != "surveys" or has_surveys)
        return f"Klart. Bladen {names} är uppdaterade. {_problem_summary(results)}"

    return _guarded(book, job)


def check_data(book: Any = None) -> str | None:
    """*Kontrollera data*: fill the Kontroll sheet only and show a summary. `book` None = the calling workbook."""

    def job(b: Any) -> str:
        from xlpy.jobs import check_source
        from xlpy.outputs.sheets import build_output_sheets

        wb = XlwingsBook(b)
        results = check_source(wb).results
        problems_name = spec.OUTPUT_SHEETS["problems"]
        wb.write_sheets([s for s in build_output_sheets(results) if s.name == problems_name])
        lines = [_problem_summary(results)]
        for p in results.get("problems", [])[:5]:
            row = f" rad {p['row']}" if p.get("row") else ""
            lines.append(f"• {p['sheet']}{row}: {p['message']}")
        if len(results.get("problems", [])) > 5:
            lines.append("…")
        return "\n".join(lines)

    return _guarded(book, job)


def report_path(book: Any) -> Path:
    """Where the report of `book` goes: beside the workbook as `<namn>_arsrapport.docx`, or in the home
    folder when the workbook has no local folder (not saved yet, or on SharePoint/OneDrive web)."""
    full = Path(str(book.fullname))
    folder = full.parent if full.is_absolute() and full.parent.is_dir() else Path.home()
    return folder / f"{Path(book.name).stem}_arsrapport.docx"


def create_report(book: Any = None, out_docx: str | Path | None = None) -> str | None:
    """*Skapa årsrapport*: recalculate, then write the Word report (default: report_path) and say where.

    `book` None = the calling workbook; `out_docx` None = beside the workbook.
    """

    def job(b: Any) -> str:
        from xlpy.jobs import ReportRefused, guard_personal_data, template_checks, write_report
        from xlpy.report.template_check import TEMPLATE_BESIDE_WORKBOOK

        results = _recalculate(b)
        try:
            guard_personal_data(results, allow=False)
        except ReportRefused as exc:
            raise WorkbookError(str(exc)) from exc
        target = Path(out_docx) if out_docx else report_path(b)
        # -- the evaluator's own template, when one lies beside the workbook (docs/mall.md) --
        template = report_path(b).parent / TEMPLATE_BESIDE_WORKBOOK
        if template.is_file():
            check = template_checks(template)
            if check is not None:
                check(results)
            written = write_report(results, target, template=template)
            return (f"Årsrapporten är sparad: {written[0]} (mall: {template.name}). "
                    f"{_problem_summary(results)}")
        written = write_report(results, target)
        return f"Årsrapporten är sparad: {written[0]}. {_problem_summary(results)}"

    return _guarded(book, job)


def free_path(folder: Path, stem: str) -> Path:
    """A file name in `folder` that is not taken: `<stem>.xlsx`, then `<stem> (2).xlsx`, …"""
    candidate = folder / f"{stem}.xlsx"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}).xlsx"
        n += 1
    return candidate


def new_workbook_path(folder: Path) -> Path:
    """A free file name for a new workbook in `folder`: `Första Steget.xlsx`, then `Första Steget (2).xlsx`…"""
    return free_path(folder, "Första Steget")


def new_workbook(book: Any = None, folder: str | Path | None = None) -> str | None:
    """*Ny arbetsbok*: a blank workbook from the template (all sheets, headers, the seed's goals), saved in
    `folder` (None = beside the calling workbook, or the home folder) and opened in desktop Excel."""

    def job(b: Any) -> str:
        from xlpy.workbook_template import create_workbook

        target_dir = Path(folder) if folder else report_path(b).parent
        path = new_workbook_path(target_dir)
        create_workbook(path)
        if b.app.engine.name == "excel":
            b.app.books.open(str(path))
        return f"En ny arbetsbok är skapad: {path}"

    return _guarded(book, job)


def about(book: Any = None) -> str | None:
    """*Om*: versions and where the configuration is read from. `book` None = the calling workbook."""

    def job(b: Any) -> str:
        from xlpy import __version__
        from xlpy.excel.addin import CONF_SHEET

        return "\n".join(
            [
                f"Första Steget-verktyget {__version__}",
                f"xlwings {xw.__version__}, Python {platform.python_version()}",
                f"Python-tolk: {sys.executable}",
                f"Inställningar läses från bladet {CONF_SHEET} i arbetsboken om det finns, annars i tillägget,",
                f"annars från filen {CONF_SHEET} bredvid arbetsboken eller i mappen .forsta_steget i hemmappen.",
                "Hjälp: docs/excel.md i projektets dokumentation.",
            ]
        )

    return _guarded(book, job)


def ask_workbooks(book: Any) -> list[Path]:
    """Excel's own file dialog (Application.GetOpenFilename, several files at once) for the workbooks to
    consolidate; [] when the user cancels. Windows Excel only: on a Mac, xlwings reaches Excel through
    AppleScript, which has no such dialog, so the user is told to use the command instead."""
    if platform.system() != "Windows":
        raise WorkbookError("Sammanställ med filväljare finns bara i Excel för Windows. På en Mac: kör "
                            "kommandot xlpy sammanstall KOMMUN1.xlsx KOMMUN2.xlsx -o SAMLAD.xlsx i Terminal.")
    chosen = book.app.api.GetOpenFilename("Excel-arbetsböcker (*.xlsx;*.xlsm),*.xlsx;*.xlsm", 1,
                                          "Välj arbetsböckerna att sammanställa (håll Ctrl för flera)",
                                          None, True)
    if not chosen or chosen is False:
        return []
    return [Path(str(p)) for p in (chosen if isinstance(chosen, list | tuple) else [chosen])]


def consolidated_path(folder: Path) -> Path:
    """A free file name for a consolidated workbook in `folder`: `Sammanställning.xlsx`, then
    `Sammanställning (2).xlsx`…"""
    return free_path(folder, "Sammanställning")


def consolidate(book: Any = None, paths: list[str | Path] | None = None,
                ask: Callable[[Any], list[Path]] = ask_workbooks) -> str | None:
    """*Sammanställ*: ask for the workbooks (a file dialog; `paths` skips it), write their consolidation
    beside the active workbook as `Sammanställning.xlsx` (xlpy sammanstall) and open it in desktop Excel.
    The chosen workbooks are only read. `book` None = the calling workbook."""

    def job(b: Any) -> str | None:
        from xlpy.jobs import consolidate_files

        chosen = [Path(p) for p in paths] if paths is not None else ask(b)
        if not chosen:
            return None  # -- the user cancelled the dialog: nothing to say --
        if len(chosen) < 2:
            raise WorkbookError("Välj minst två arbetsböcker att sammanställa (håll Ctrl nedtryckt för att välja flera).")
        target = consolidated_path(report_path(b).parent)
        problems, written = consolidate_files(chosen, target)
        errors = [p for p in problems if p.severity == "fel"]
        lines = []
        if errors:
            lines.append(f"Ingen sammanställning skrevs: {fmt.count(len(errors), 'fel', 'fel')} måste rättas först.")
        else:
            lines.append(f"Sammanställningen är sparad: {written[0]}.")
        warnings = len(problems) - len(errors)
        if warnings:
            lines.append(f"{fmt.count(warnings, 'varning', 'varningar')}:")
        for p in (errors or problems)[:5]:
            lines.append(f"• {p.sheet}: {p.message}")
        if len(problems) > 5:
            lines.append("…")
        if written and b.app.engine.name == "excel":
            b.app.books.open(str(written[0]))
        if errors:
            raise WorkbookError("\n".join(lines))
        return "\n".join(lines)

    return _guarded(book, job)

