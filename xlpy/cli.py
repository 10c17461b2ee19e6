"""xlpy – uppföljning av Första Steget: kontrollera, beräkna och rapportera från arbetsboken.

Slutkoder: 0 = klart utan fel i indata, 1 = klart men indata har fel (se bladet Kontroll),
2 = kunde inte köras (filen saknas, är ingen arbetsbok, ett nödvändigt blad saknas, filen är låst).
För utvecklare: XLPY_DEBUG=1 visar hela felspårningen i stället för en mening.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from xlpy import __version__, fmt
from xlpy.io.base import WorkbookError

if TYPE_CHECKING:
    from xlpy import jobs

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2


def _say(text: str) -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # -- whoever read our output has gone (`xlpy check f | head`): finish the work silently and keep
        #    the exit code, instead of a traceback from this print and from the final flush at exit --
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def _reading_ahead(paths: Sequence[str]) -> Iterator[None]:
    """Start parsing each workbook's Närvaro in the background before the job's heavy imports (pandas &
    co., ~0.4 s) and the small sheets, so they overlap with calamine's parse of the largest sheet
    (calamine_backend.read_ahead); whatever the job did not take is closed after it. The jobs (and
    pandas) are imported inside this block, by each command, for that reason."""
    from xlpy import spec
    from xlpy.io import calamine_backend

    for p in paths:
        calamine_backend.read_ahead(p, spec.ATTENDANCE.name)
    # -- the collector paused while the modules load: they make ~100 000 objects and no garbage, and its
    #    passes over them were 8 % of the import time --
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from xlpy import jobs  # noqa: F401 -- loaded here, beside calamine's parse; each command uses it
    finally:
        if was_enabled:
            gc.enable()
    try:
        yield
    finally:
        calamine_backend.discard_ahead()


def _summary(outcome: jobs.Outcome, verb: str) -> int:
    r = outcome.results
    groups = len(r["levels"]["group"])
    people = r["levels"]["project"]["all"]["counts"]["started"] if r["levels"]["project"] else 0
    _say(f"{verb} {outcome.data.source_name or 'arbetsboken'}: {fmt.count(groups, 'grupp', 'grupper')}, "
         f"{people} deltagare, {outcome.errors} fel, {fmt.count(outcome.warnings, 'varning', 'varningar')}.")
    for p in r["problems"][:20]:
        where = f"{p['sheet']}" + (f" rad {p['row']}" if p["row"] is not None else "") + \
                (f", kolumn {p['column']}" if p["column"] else "")
        _say(f"  [{p['severity']}] {where}: {p['message']}")
    if len(r["problems"]) > 20:
        _say(f"  … och {len(r['problems']) - 20} till (se bladet Kontroll).")
    for path in outcome.written:
        _say(f"Skrev {path}")
    return EXIT_PROBLEMS if outcome.errors else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """Skapa en ny, tom arbetsbok med alla indatablad (eller en kopia av exemplet med --exempel)."""
    from xlpy.workbook_template import create_workbook

    path = Path(args.path)
    if path.exists() and not args.force:
        raise WorkbookError(f"{path} finns redan. Välj ett annat namn eller använd --force.")
    if args.exempel:
        from xlpy.example import example_data

        create_workbook(path, example_data())
    else:
        create_workbook(path)
    _say(f"Skrev {path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Kontrollera indata utan att skriva något. Exit 1 om det finns fel.

    Med flera arbetsböcker kontrolleras de tillsammans, som en sammanställning."""
    with _reading_ahead(args.paths):
        from xlpy import jobs

        return _summary(jobs.check_files([Path(p) for p in args.paths]), "Kontrollerade")


def cmd_recalc(args: argparse.Namespace) -> int:
    """Beräkna mål och kostnader och skriv bladen Resultat, Måluppfyllelse, Samhällskostnad, Kontroll och Efter avslut.

    Inget annat i filen ändras. Med -o skrivs resultatet till en ny fil i stället. Med flera arbetsböcker
    ändras ingen av dem: ange -o (en sammanställd arbetsbok med resultatbladen) och/eller --json."""
    with _reading_ahead(args.paths):
        from xlpy import jobs

        outcome = jobs.recalc_files([Path(p) for p in args.paths], out=args.output, json_path=args.json)
        return _summary(outcome, "Beräknade")


def cmd_report(args: argparse.Namespace) -> int:
    """Beräkna om arbetsboken och skriv årsrapporten (Word, och PDF med --pdf).

    Med flera arbetsböcker (t.ex. en per kommun) blir det en gemensam rapport; arbetsböckerna ändras inte."""
    if args.output is not None and args.output.suffix.lower() != ".docx":
        # -- refused before anything is written: a Word file named r.txt would open as garbage --
        raise WorkbookError(f"Rapporten är en Word-fil: ange ett filnamn som slutar på .docx "
                            f"(t.ex. {args.output.with_suffix('.docx').name}), inte {args.output.name}.")
    with _reading_ahead(args.paths):
        from xlpy import jobs

        try:
            outcome = jobs.report_files([Path(p) for p in args.paths], out_docx=args.output, pdf=args.pdf,
                                        allow_personal_data=args.tillat_personuppgifter,
                                        template=Path(args.mall) if args.mall else None)
        except jobs.ReportRefused as e:
            _say(str(e))
            return EXIT_PROBLEMS
    if outcome.results["meta"].get("personal_data_override"):
        _say("Obs: rapporten skapades trots personuppgifter i arbetsboken (--tillat-personuppgifter); "
             "det står i rapportens egenskaper.")
    return _summary(outcome, "Rapport för")


def cmd_sammanstall(args: argparse.Namespace) -> int:
    """Sammanställ flera arbetsböcker (t.ex. en per kommun) till en arbetsbok enligt samma mall.

    Varje indatablad får alla arbetsböckers rader och kolumnen Källa. Inställningar, Mål och Texter tas
    från den första; skillnader visas som varningar. Samma GruppID eller DeltagarID i två arbetsböcker,
    eller Statistik som inte stämmer överens, är fel: då skrivs ingenting. Källfilerna ändras aldrig."""
    with _reading_ahead(args.paths):
        from xlpy import jobs

        problems, written = jobs.consolidate_files([Path(p) for p in args.paths], Path(args.output))
    errors = sum(1 for p in problems if p.severity == "fel")
    warnings = len(problems) - errors
    _say(f"Sammanställde {len(args.paths)} arbetsböcker: {fmt.count(errors, 'fel', 'fel')}, "
         f"{fmt.count(warnings, 'varning', 'varningar')}.")
    for p in problems[:40]:
        where = p.sheet + (f" rad {p.row}" if p.row is not None else "") + (f", kolumn {p.column}" if p.column else "")
        _say(f"  [{p.severity}] {where}: {p.message}")
    if len(problems) > 40:
        _say(f"  … och {len(problems) - 40} till.")
    if errors:
        _say(f"Ingen sammanställning skrevs: rätta felen ovan först ({Path(args.output).name} är orörd).")
        return EXIT_PROBLEMS
    for path in written:
        _say(f"Skrev {path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Exportera bara sammanräknade tal (inga rader, inga DeltagarID) till en arbetsbok för förbundet.

    Per grupp, omgång, kommun och hela projektet, och per kalenderår: antal och andelar, med
    Minsta redovisade antal tillämpat. Ett eget blad säger vad filen innehåller."""
    with _reading_ahead(args.paths):
        from xlpy import jobs
        from xlpy.outputs import aggregate

        outcome = jobs.check_files([Path(p) for p in args.paths])
    try:
        written = aggregate.write_aggregate(outcome.results, Path(args.output), args.minsta)
    except aggregate.ThresholdMissing as e:
        _say(str(e))
        return EXIT_PROBLEMS
    outcome.written.append(written)
    return _summary(outcome, "Exporterade sammanräknade tal för")


def cmd_demo(args: argparse.Namespace) -> int:
    """Beräkna en kopia av exempelarbetsboken och skriv dess rapport i en utdatamapp."""
    from xlpy import jobs

    return _summary(jobs.demo(Path(args.outdir), pdf=args.pdf), "Exempel:")


def cmd_addin(args: argparse.Namespace) -> int:
    """Bygg Excel-tillägget (build) eller installera det där Excel hittar det (install)."""
    from xlpy.excel import addin

    try:
        if args.action == "build":
            # -- in a checkout the add-in goes where users find it; elsewhere into the current folder --
            default = Path("workbook") if Path("workbook").is_dir() else Path()
            _say(f"Skrev {addin.build_addin(args.output or default / addin.ADDIN_FILENAME)}")
        else:
            _say(addin.install_addin())
    except addin.AddinError as e:  # version mismatch, or the add-in file is in use by Excel
        raise WorkbookError(str(e)) from e
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    """Skapa en syntetisk arbetsbok av valfri storlek (för prestandamätning och tester)."""
    from xlpy.generate import generate_workbook

    # -- the generator's warnings (e.g. Närvaro reaching Excel's last row) are Swedish sentences; the user
    #    gets them as such, not as Python's "path:line: AttendanceOverflowWarning: …" --
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = generate_workbook(Path(args.path), args.deltagare, seed=args.seed)
    for w in caught:
        _say(f"Obs: {w.message}")
    _say(f"Skrev {written}")
    return EXIT_OK


def cmd_survey(args: argparse.Namespace) -> int:
    """Importera en export från ett enkätverktyg (Microsoft Forms, Google Formulär m.fl.) till bladet Enkätsvar.

    Exporten har en rad per svarande och en kolumn per fråga. Frågorna matchas mot bladet Enkätfrågor efter
    sin text (nya frågor läggs till); varje formulär får ett nytt anonymt SvarID. ID, e-post, namn och andra
    identifierande kolumner förs aldrig över, tidpunkter bara som datum, och fritextsvar inte alls.
    Exempel: xlpy enkat importera export.csv --enkat Deltagare --grupp K2 -a arbetsbok.xlsx"""
    from xlpy import jobs

    plan = jobs.import_survey(Path(args.arbetsbok), Path(args.export), args.enkat, args.grupp,
                              date=args.datum, again=args.igen)
    where = f", grupp {plan.group_id}" if plan.group_id else " (utan grupp: räknas bara på projektnivå)"
    days = (", ".join(d.isoformat() for d in plan.dates) if len(plan.dates) <= 3
            else f"{plan.dates[0].isoformat()} – {plan.dates[-1].isoformat()}")
    _say(f"Importerade {plan.respondents} formulär ({len(plan.answers)} svar) till enkäten {plan.survey}{where}, "
         f"daterade {days}, i {Path(args.arbetsbok).name}.")
    if plan.matched:
        _say("Frågor som fanns i Enkätfrågor: " + ", ".join(qid for _, qid in plan.matched) + ".")
    for q in plan.questions:
        _say(f"Ny fråga i Enkätfrågor: {q['question_id']} \"{q['question']}\" (skala {q['scale']}).")
    _say("Varje formulär fick ett nytt slumpat SvarID. Fördes INTE över:")
    if plan.identifying:
        _say("  identifierande kolumner: " + ", ".join(plan.identifying) + ".")
    if plan.times:
        _say("  tidpunkter (bara datumet används): " + ", ".join(plan.times) + ".")
    if plan.free_text:
        _say("  kolumner vars svar inte passar någon skala i bladet Skalor (t.ex. fritext): "
             + ", ".join(plan.free_text) + ".")
    if plan.empty_respondents:
        _say(f"  {plan.empty_respondents} rader utan något svar att föra över.")
    _say("Fyll i bladet Utskick (hur många som tillfrågades), så räknas svarsfrekvensen. Exportfilen innehåller "
         "namn och e-post: radera den när den inte behövs.")
    return EXIT_OK


def _doc(fn: Callable[..., int]) -> str:
    return inspect.getdoc(fn) or ""


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} är inget datum; skriv till exempel 2019-12-17.") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlpy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"xlpy {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def add(name: str, fn: Callable[..., int]) -> argparse.ArgumentParser:
        doc = _doc(fn)
        p = sub.add_parser(name, help=doc.splitlines()[0], description=doc,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=fn)
        return p

    p = add("new", cmd_new)
    p.add_argument("path", help="ny arbetsbok (.xlsx)")
    p.add_argument("--exempel", action="store_true", help="fyll i exempeldata")
    p.add_argument("--force", action="store_true", help="skriv över en befintlig fil")
    p = add("check", cmd_check)
    p.add_argument("paths", nargs="+", metavar="path", help="arbetsbok (.xlsx/.xlsm); flera går bra")
    p = add("recalc", cmd_recalc)
    p.add_argument("paths", nargs="+", metavar="path", help="arbetsbok (.xlsx/.xlsm); flera går bra")
    p.add_argument("-o", "--output", type=Path, help="skriv till en ny fil i stället för att ändra arbetsboken")
    p.add_argument("--json", type=Path, help="skriv också alla tal som JSON till denna fil")
    p = add("report", cmd_report)
    p.add_argument("paths", nargs="+", metavar="path", help="arbetsbok (.xlsx/.xlsm); flera ger en gemensam rapport")
    p.add_argument("-o", "--output", type=Path, help="rapportfil (.docx); standard: bredvid arbetsboken")
    p.add_argument("--pdf", action="store_true", help="konvertera också till PDF med LibreOffice")
    p.add_argument("--mall", help="egen rapportmall (.docx), se docs/mall.md; standard: den inbyggda")
    p.add_argument("--tillat-personuppgifter", action="store_true",
                   help="skapa rapporten trots att personnummer/namn hittats (loggas i rapporten)")
    p = add("sammanstall", cmd_sammanstall)
    p.add_argument("paths", nargs="+", metavar="path", help="arbetsböcker att sammanställa (minst två)")
    p.add_argument("-o", "--output", type=Path, required=True, help="den sammanställda arbetsboken (.xlsx)")
    p = add("export", cmd_export)
    p.add_argument("paths", nargs="+", metavar="path", help="arbetsbok eller arbetsböcker")
    p.add_argument("--aggregat", action="store_true", required=True,
                   help="bara sammanräknade tal, med Minsta redovisade antal tillämpat (krävs)")
    p.add_argument("-o", "--output", type=Path, required=True, help="exportfilen (.xlsx)")
    p.add_argument("--minsta", type=int, help="Minsta redovisade antal för exporten (annars Inställningar)")
    p = add("demo", cmd_demo)
    p.add_argument("outdir", nargs="?", default="demo_utdata", help="utdatamapp (standard: demo_utdata)")
    p.add_argument("--pdf", action="store_true", help="konvertera också rapporten till PDF")
    p = add("generate", cmd_generate)
    p.add_argument("path", help="ny arbetsbok (.xlsx)")
    p.add_argument("--deltagare", type=int, default=500, help="antal deltagare (standard 500)")
    p.add_argument("--seed", type=int, default=1, help="slumpfrö; samma frö ger samma arbetsbok")
    p = add("enkat", cmd_survey)
    p.add_argument("action", choices=["importera"])
    p.add_argument("export", help="exportfil från enkätverktyget (.xlsx eller .csv)")
    p.add_argument("--enkat", required=True, help="enkätens namn, t.ex. Deltagare, Personal eller Styrgrupp")
    p.add_argument("--grupp", help="GruppID som svaren hör till (utelämna för t.ex. Styrgrupp)")
    p.add_argument("-a", "--arbetsbok", required=True, help="arbetsboken (.xlsx/.xlsm) som svaren läggs in i")
    p.add_argument("--datum", type=_iso_date, help="datum för alla svar, om exporten saknar tidpunkt (2019-12-17)")
    p.add_argument("--igen", action="store_true", help="importera även om samma enkät, grupp och datum redan finns")
    p = add("addin", cmd_addin)
    p.add_argument("action", choices=["build", "install"])
    p.add_argument("-o", "--output", type=Path, help="var tillägget skrivs (build); standard: "
                   "workbook/forsta_steget.xlam om mappen workbook finns här, annars forsta_steget.xlam")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0, 1 or 2) instead of raising."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except WorkbookError as e:
        _say(f"Fel: {e}")
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        _say("Avbrutet.")
        return EXIT_CANNOT_RUN
    except Exception as e:  # the user gets one sentence, never a traceback
        if os.environ.get("XLPY_DEBUG"):
            raise
        _say(f"Fel: oväntat fel ({type(e).__name__}: {e}). Kör med XLPY_DEBUG=1 för detaljer.")
        return EXIT_CANNOT_RUN


def run() -> None:
    """The `xlpy` console script: main(), then the process ends at once with its exit code.

    Everything a command writes is written, fsynced and verified inside main(); what is left at exit is
    the interpreter freeing the job's millions of objects one by one (~0.1 s at 5 000 participants), which
    nobody waits for. Output is flushed first. Tests call main(), never this."""
    # -- numpy's OpenBLAS starts a thread per core when it loads (25-60 ms of every command's start, and
    #    threads spinning beside our own); nothing here multiplies large matrices. A user's setting wins --
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
