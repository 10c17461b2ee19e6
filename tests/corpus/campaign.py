"""The hostile campaign of issue #11, runnable on demand; a small slice runs in the test suite.

    python -m tests.corpus.campaign OUT_DIR [--fuzz 1200] [--kills 120] [--workers 2] [--corpus]

Four parts, each counted: tracebacks, hangs, originals lost, reports lost (all must be 0).
- files: the hostile set, the package attacks (stray far cells, DTDs, duplicated attributes, malformed
  parts, entries lying about their size, absurd settings), seeded XML- and byte-level mutants of the
  example workbook and fuzzed .xls files; each judged by `judge` (check, recalc on a copy, the copy's
  inputs intact) in a worker process with a time limit (a hang is a file over the limit);
- kill points: `recalc` and `report` forked and SIGKILLed at spread-out moments; the workbook must be the
  original or a complete new version, the old report intact or a complete new one;
- full disk: ENOSPC injected part-way through every writer (workbook in place, -o copy, --json, report,
  PDF); the old file must be intact and no temporary file left;
- locks: Excel/LibreOffice/Word owner files, a live and a stale xlpy lock, read-only files, symbolic links.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import random
import shutil
import signal
import sys
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.corpus import attacks  # noqa: E402
from tests.corpus.harness import Run, run_inprocess, sha256  # noqa: E402
from tests.corpus.judge import OUTPUT_NAMES, _values, judge  # noqa: E402
from tests.corpus.variants import EXAMPLE  # noqa: E402

HANG_SECONDS = 120
OLD_REPORT = b"PK\x03\x04 hand-edited report"


# -- files ----------------------------------------------------------------------------------------------

def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(9)
    n = len(xml)
    i = rng.randrange(max(1, n))
    if kind == 0:
        return xml[:i] + xml[i + rng.randrange(1, 64):]          # a hole
    if kind == 1:
        return xml[:i] + bytes([rng.randrange(256)]) + xml[i:]  # a stray byte
    if kind == 2:
        j = xml.find(b'r="', i)
        if j >= 0:
            far = rng.choice([b"XFD1048576", b"ZZ100000", b"AAA1", b"A1048576", b"XFD1", b"B0", b"A99999999"])
            k = xml.find(b'"', j + 3)
            return xml[: j + 3] + far + xml[k:]
    if kind == 3:
        return xml.replace(b't="s"', b't="e"', rng.randrange(1, 6))
    if kind == 4:
        return xml.replace(b"<v>", b"<v>" + rng.choice([b"1e308", b"-1", b"NaN", b"9" * 40, b"x"]), rng.randrange(1, 6))
    if kind == 5:
        return xml[: n // 2]                                     # cut short
    if kind == 6:
        return xml.replace(b"<c ", b'<c s="99999" ', rng.randrange(1, 20))
    if kind == 7:
        return b'<!DOCTYPE x [<!ENTITY e "e">]>' + xml
    return xml.replace(b'<c r="', b'<c r="A1" r="', 1)


def xml_mutant(dst: Path, seed: int, source: Path = EXAMPLE) -> Path:
    """A seeded mutant of `source`: one part's XML damaged, the zip itself valid."""
    rng = random.Random(seed)
    with zipfile.ZipFile(source) as zf:
        names = [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]
    part = rng.choice(names)
    return attacks.rewrite(dst, {part: lambda xml: _mutate_xml(xml, rng)}, source)


def byte_mutant(dst: Path, seed: int, source: Path = EXAMPLE) -> Path:
    """A seeded mutant of `source` with a few bytes of the file itself changed."""
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    for _ in range(rng.choice([1, 2, 4, 16])):
        data[rng.randrange(len(data))] = rng.randrange(256)
    dst.write_bytes(bytes(data))
    return dst


def attack_files(dest: Path) -> list[Path]:
    """Every package attack of attacks.py, on the example (and on a recalculated copy for output parts)."""
    out: list[Path] = []
    for sheet in ("Texter", "Närvaro", "Deltagare", "Inställningar", "Grupper"):
        for ref in ("XFD1048576", "ZZ100000", "XFD1", "A1048576", "AAA500"):
            out.append(attacks.stray_cell(dest / f"stray_{sheet}_{ref}.xlsx", ref, sheet=sheet))
    for sheet in ("Deltagare", "Närvaro"):
        out.append(attacks.with_dtd(dest / f"dtd_{sheet}.xlsx", sheet))
        out.append(attacks.duplicate_attribute(dest / f"dup_{sheet}.xlsx", sheet))
    for i, part in enumerate(("xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                              "[Content_Types].xml", "_rels/.rels", attacks.sheet_part("Deltagare"))):
        out.append(attacks.malformed(dest / f"malformed_{i}.xlsx", part))
        out.append(attacks.lying_entry(dest / f"lying_{i}.xlsx", part, inflated=16 * 2**20))
    done = dest / "_done.xlsx"
    shutil.copyfile(EXAMPLE, done)
    run_inprocess(["recalc", str(done)])
    for name in ("Resultat", "Kontroll"):
        out.append(attacks.lying_entry(dest / f"lying_out_{name}.xlsx", attacks.sheet_part(name, done),
                                       inflated=16 * 2**20, source=done))
    return out


def fuzzed_xls(dest: Path, count: int) -> list[Path]:
    """`count` byte mutants of the example saved as .xls by LibreOffice (none without LibreOffice)."""
    from tests.corpus.make_corpus import soffice_convert

    if shutil.which("soffice") is None or count == 0:
        return []
    src = dest / "_xls"
    src.mkdir(exist_ok=True)
    shutil.copyfile(EXAMPLE, src / "exempel.xlsx")
    made = soffice_convert([src / "exempel.xlsx"], "xls:MS Excel 97", src)
    if not made:
        return []
    return [byte_mutant(dest / f"fuzz_{i}.xls", 10_000 + i, made[0]) for i in range(count)]


def settings_files(dest: Path) -> list[Path]:
    import openpyxl

    cases = [{"Kalkylår": 10**9}, {"Kalkylår": 10**5}, {"Praktikplatser per deltagare": 10**6},
             {"Månadslön vid arbete": 1e300}, {"Kalkylår": 10**4, "Diskonteringsränta": 0.99},
             {"Minsta redovisade antal": 10**9}, {"Reala kostnader per person och år": float("inf")}]
    out = []
    for i, values in enumerate(cases):
        wb = openpyxl.load_workbook(EXAMPLE)
        for row in wb["Inställningar"].iter_rows(min_row=3):
            if row[0].value in values:
                row[1].value = values[row[0].value]
        wb.save(dest / f"settings_{i}.xlsx")
        out.append(dest / f"settings_{i}.xlsx")
    return out


def build_files(dest: Path, fuzz: int, corpus: bool) -> list[Path]:
    """Every file of the campaign, built in `dest`."""
    from tests.corpus.hostile import build_hostile

    dest.mkdir(parents=True, exist_ok=True)
    files = [p for p in build_hostile(dest / "hostile", soffice=shutil.which("soffice") is not None).values()
             if p.name not in ("oppen_i_excel.xlsx", "skrivskyddad.xlsx", "missing.xlsx", "mapp.xlsx")]
    files += attack_files(dest)
    files += settings_files(dest)
    files += [xml_mutant(dest / f"xml_{i}.xlsx", i) for i in range(fuzz * 2 // 3)]
    files += [byte_mutant(dest / f"byte_{i}.xlsx", i) for i in range(fuzz // 6)]
    files += fuzzed_xls(dest, fuzz // 6)
    if corpus:
        from tests.corpus.make_corpus import build_corpus

        files += build_corpus(dest / "corpus", soffice=shutil.which("soffice") is not None)
    return files


def _judge_one(path: str, workdir: str, index: int) -> dict[str, Any]:
    work = Path(workdir) / str(index)
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("RUST_BACKTRACE", "0")
    v = judge(Path(path), work, second_run=False)
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        # -- recalc refuses to write .xls/.ods/.xlsb by design (one sentence, exit 2) --
        v.failures = [f for f in v.failures if "check ran but recalc refused" not in f]
    shutil.rmtree(work, ignore_errors=True)
    return {"name": v.name, "tracebacks": v.tracebacks, "changed": v.changed_on_error, "failures": v.failures,
            "check": v.check_rc, "recalc": v.recalc_rc}


def judge_files(files: list[Path], workdir: Path, workers: int, progress: Path | None = None) -> dict[str, Any]:
    """Judge every file in `workers` processes; a file that takes over HANG_SECONDS counts as a hang."""
    counts = {"files": len(files), "tracebacks": 0, "hangs": 0, "originals_lost": 0, "failures": 0}
    failed: list[str] = []
    exits: dict[str, int] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_judge_one, str(p), str(workdir), i): p for i, p in enumerate(files)}
        for fut, path in futures.items():
            try:
                r = fut.result(timeout=HANG_SECONDS)
            except FutureTimeout:
                counts["hangs"] += 1
                failed.append(f"{path.name}: hang")
                continue
            except Exception as e:  # noqa: BLE001 -- a worker that died (abort) is a crash
                counts["tracebacks"] += 1
                failed.append(f"{path.name}: worker died: {type(e).__name__}")
                continue
            counts["tracebacks"] += r["tracebacks"]
            counts["originals_lost"] += r["changed"]
            key = f"check {r['check']} / recalc {r['recalc']}"
            exits[key] = exits.get(key, 0) + 1
            # -- a workbook whose package is damaged for writing is refused by recalc on purpose --
            fails = [f for f in r["failures"] if not ("check ran but recalc refused" in f and "är skadad" in f)]
            if fails:
                counts["failures"] += 1
                failed += [f"{r['name']}: {f}" for f in fails[:2]]
            done = sum(exits.values()) + counts["hangs"]
            if progress is not None and done % 50 == 0:
                progress.write_text(json.dumps({**counts, "judged": done, "exits": exits}, ensure_ascii=False),
                                    encoding="utf-8")
    return {**counts, "exits": exits, "failed": failed[:50]}


# -- kill points ----------------------------------------------------------------------------------------

def _workbook_state(path: Path, original: str, inputs: dict[str, Any]) -> str:
    if not path.is_file():
        return "lost"
    if sha256(path) == original:
        return "original"
    try:
        values = _values(path)
    except Exception:  # noqa: BLE001
        return "lost"
    names = [n.strip().lower() for n in values]
    if any(names.count(o) != 1 for o in OUTPUT_NAMES) or any(values.get(n) != r for n, r in inputs.items()):
        return "lost"
    return "new"


def _report_state(path: Path) -> str:
    from xlpy.report.save import verify_docx

    if path.is_file() and path.read_bytes() == OLD_REPORT:
        return "original"
    try:
        verify_docx(path)
    except OSError:
        return "lost"
    return "new"


def _fork(argv: list[str]) -> int:
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            from xlpy import cli

            code = cli.main(argv)
        finally:
            os._exit(code)
    return pid


def kill_points(workdir: Path, count: int, seed: int = 11) -> dict[str, Any]:
    """SIGKILL forked `recalc` and `report` runs at spread-out moments; count lost workbooks and reports."""
    from xlpy import cli  # noqa: F401 -- imported before forking

    rng = random.Random(seed)
    durations: dict[str, float] = {}
    for verb in ("recalc", "report"):
        d = workdir / f"time_{verb}"
        d.mkdir(parents=True)
        shutil.copyfile(EXAMPLE, d / "bok.xlsx")
        start = time.monotonic()
        os.waitpid(_fork([verb, str(d / "bok.xlsx")]), 0)
        durations[verb] = time.monotonic() - start
    inputs = _values(EXAMPLE)
    original = sha256(EXAMPLE) or ""
    out = {"kill_points": 0, "originals_lost": 0, "reports_lost": 0, "outcomes": {}}
    for i in range(count):
        verb = "report" if i % 3 == 0 else "recalc"
        d = workdir / f"kill_{i}"
        d.mkdir(parents=True)
        book = d / "bok.xlsx"
        shutil.copyfile(EXAMPLE, book)
        report = d / "bok_arsrapport.docx"
        if verb == "report":
            report.write_bytes(OLD_REPORT)
        pid = _fork([verb, str(book)])
        time.sleep(rng.uniform(0, durations[verb] * 1.05))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        out["kill_points"] += 1
        w = _workbook_state(book, original, inputs)
        r = _report_state(report) if verb == "report" else "-"
        out["originals_lost"] += w == "lost"
        out["reports_lost"] += r == "lost"
        key = f"{verb}: workbook {w}, report {r}"
        out["outcomes"][key] = out["outcomes"].get(key, 0) + 1
        # -- the next run after a kill must succeed: no stale lock or temp file blocks it --
        if i % 10 == 9:
            _, status = os.waitpid(_fork([verb, str(book)]), 0)
            if os.waitstatus_to_exitcode(status) not in (0, 1):
                out["originals_lost"] += 1
        shutil.rmtree(d, ignore_errors=True)
    return out


# -- full disk ------------------------------------------------------------------------------------------

def _full_disk_at(fraction: float) -> Callable[..., Any]:
    """An atomic_write replacement whose write() is cut at `fraction` of the file and fails with ENOSPC."""
    from xlpy.io import safety

    real = safety._atomic_write

    def cut(path: Path, write: Callable[[Path], object], verify: Callable[[Path], None],
            mode_from: Path | None) -> None:
        def failing(tmp: Path) -> None:
            write(tmp)
            data = tmp.read_bytes()
            tmp.write_bytes(data[: int(len(data) * fraction)])
            raise OSError(errno.ENOSPC, "No space left on device")

        real(path, failing, verify, mode_from)

    return cut


def full_disk(workdir: Path, fractions: tuple[float, ...] = (0.0, 0.1, 0.5, 0.9, 0.999)) -> dict[str, Any]:
    """ENOSPC part-way through every writer; the old file must survive, no temp file may remain."""
    from xlpy.io import safety

    out = {"full_disk_cases": 0, "tracebacks": 0, "originals_lost": 0, "reports_lost": 0, "temp_left": 0,
           "not_a_sentence": 0}
    targets = ("workbook", "copy", "json", "report")
    for target in targets:
        for fraction in fractions:
            d = workdir / f"full_{target}_{fraction}"
            d.mkdir(parents=True)
            book = d / "bok.xlsx"
            shutil.copyfile(EXAMPLE, book)
            old = {"copy": d / "kopia.xlsx", "json": d / "r.json", "report": d / "bok_arsrapport.docx"}
            for p in old.values():
                p.write_bytes(OLD_REPORT)
            argv = {"workbook": ["recalc", str(book)], "copy": ["recalc", str(book), "-o", str(old["copy"])],
                    "json": ["recalc", str(book), "--json", str(old["json"])],
                    "report": ["report", str(book)]}[target]
            before = sha256(book)
            real = safety._atomic_write
            safety._atomic_write = _full_disk_at(fraction)  # type: ignore[assignment]
            try:
                run: Run = run_inprocess(argv)
            finally:
                safety._atomic_write = real  # type: ignore[assignment]
            out["full_disk_cases"] += 1
            out["tracebacks"] += bool(run.crash or "Traceback" in run.out)
            out["not_a_sentence"] += not (run.rc == 2 and "disken är full" in run.out and not run.problems())
            # -- the first write fails, so the workbook is unchanged and so is every other old file --
            out["originals_lost"] += sha256(book) != before
            out["reports_lost"] += sum(p.read_bytes() != OLD_REPORT for p in old.values())
            out["temp_left"] += sum(1 for p in d.iterdir() if ".xlpy-" in p.name)
            shutil.rmtree(d, ignore_errors=True)
    return out


# -- locks and links ------------------------------------------------------------------------------------

def lock_cases(workdir: Path) -> dict[str, Any]:
    """Owner files, xlpy locks, read-only files and links: each answered, nothing lost."""
    from xlpy.io import safety

    out: dict[str, Any] = {"lock_cases": 0, "tracebacks": 0, "originals_lost": 0, "reports_lost": 0,
                           "wrong_answer": []}

    def case(name: str, setup: Callable[[Path, Path, Path], None], argv: Callable[[Path, Path], list[str]],
             want_rc: set[int], want_text: str = "") -> None:
        d = workdir / f"lock_{name}"
        d.mkdir(parents=True)
        book, report = d / "bok.xlsx", d / "bok_arsrapport.docx"
        shutil.copyfile(EXAMPLE, book)
        report.write_bytes(OLD_REPORT)
        victim = d / "annat.txt"
        victim.write_text("orörd", encoding="utf-8")
        setup(d, book, report)
        before = sha256(book) if book.is_file() and not book.is_symlink() else None
        run = run_inprocess(argv(book, report))
        out["lock_cases"] += 1
        out["tracebacks"] += bool(run.crash or "Traceback" in run.out)
        if run.rc not in want_rc or want_text not in run.out or run.problems():
            out["wrong_answer"].append(f"{name}: rc {run.rc}: {run.out.strip()[:160]}")
        if run.rc == 2 and before is not None and sha256(book) != before:
            out["originals_lost"] += 1
        if run.rc == 2 and report.is_file() and not report.is_symlink() and report.read_bytes() != OLD_REPORT:
            out["reports_lost"] += 1
        if victim.read_text(encoding="utf-8") != "orörd":
            out["reports_lost"] += 1
        for p in book.parent.iterdir():
            if ".xlpy-tmp-" in p.name:
                out["wrong_answer"].append(f"{name}: temp file left")
        for p in d.iterdir():
            if p.is_file() and not p.is_symlink():
                p.chmod(0o644)
        shutil.rmtree(d, ignore_errors=True)

    def nothing(d: Path, b: Path, r: Path) -> None:
        return None

    def recalc(b: Path, r: Path) -> list[str]:
        return ["recalc", str(b)]

    def report(b: Path, r: Path) -> list[str]:
        return ["report", str(b)]

    def owner(name: str) -> Callable[[Path, Path, Path], None]:
        return lambda d, b, r: (d / name).write_bytes(b"\x08anvandare")

    def live_lock(d: Path, b: Path, r: Path) -> None:
        safety.lock_path(b).write_text(f"{os.getppid()}\n{os.uname().nodename}\n", encoding="utf-8")

    def stale_lock(d: Path, b: Path, r: Path) -> None:
        safety.lock_path(b).write_text(f"{2**22 + 12345}\n{os.uname().nodename}\n", encoding="utf-8")
        (d / f".{b.name}.xlpy-tmp-deadbeef").write_bytes(b"half")

    def read_only(d: Path, b: Path, r: Path) -> None:
        b.chmod(0o444)

    def report_read_only(d: Path, b: Path, r: Path) -> None:
        r.chmod(0o444)

    def report_link(d: Path, b: Path, r: Path) -> None:
        r.unlink()
        r.symlink_to("annat.txt")

    def book_link(d: Path, b: Path, r: Path) -> None:
        real = d / "riktig.xlsx"
        b.rename(real)
        b.symlink_to(real.name)

    def report_dir(d: Path, b: Path, r: Path) -> None:
        r.unlink()
        r.mkdir()

    case("excel_owner", owner("~$bok.xlsx"), recalc, {2}, "öppen i Excel")
    case("lo_owner", owner(".~lock.bok.xlsx#"), recalc, {2}, "öppen i LibreOffice")
    case("word_owner", owner("~$k_arsrapport.docx"), report, {2}, "öppen i Word")
    case("word_owner_long", owner("~$bok_arsrapport.docx"), report, {2}, "öppen i Word")
    case("lo_owner_report", owner(".~lock.bok_arsrapport.docx#"), report, {2}, "öppen i LibreOffice")
    case("live_xlpy_lock", live_lock, recalc, {2}, "En annan körning")
    case("stale_xlpy_lock", stale_lock, recalc, {0, 1})
    case("read_only_book", read_only, recalc, {2}, "skrivskyddad")
    case("read_only_report", report_read_only, report, {2}, "skrivskyddad")
    case("report_symlink", report_link, report, {0, 1})
    case("book_symlink", book_link, recalc, {0, 1})
    case("report_is_dir", report_dir, report, {2}, "är en mapp")
    case("json_missing_folder", nothing, lambda b, r: ["recalc", str(b), "--json", str(b.parent / "nej" / "x.json")],
         {2}, "finns inte")
    case("json_is_dir", nothing, lambda b, r: ["recalc", str(b), "--json", str(b.parent)], {2}, "är en mapp")
    case("copy_missing_folder", nothing, lambda b, r: ["recalc", str(b), "-o", str(b.parent / "nej" / "k.xlsx")],
         {2}, "finns inte")
    return out


# -- the whole campaign ---------------------------------------------------------------------------------

def run_campaign(out_dir: Path, fuzz: int, kills: int, workers: int, corpus: bool) -> dict[str, Any]:
    """Run all four parts; returns (and writes to out_dir/campaign.json) the counts."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    results: dict[str, Any] = {}
    results["locks"] = lock_cases(out_dir / "locks")
    results["full_disk"] = full_disk(out_dir / "full")
    results["kills"] = kill_points(out_dir / "kills", kills) if hasattr(os, "fork") else {}
    (out_dir / "campaign_partial.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    files = build_files(out_dir / "files", fuzz, corpus)
    results["built_seconds"] = round(time.monotonic() - t0)
    results["files"] = judge_files(files, out_dir / "work", workers, progress=out_dir / "progress.json")
    parts = [results["files"], results["kills"], results["full_disk"], results["locks"]]
    results["totals"] = {k: sum(int(p.get(k, 0)) for p in parts)
                         for k in ("tracebacks", "hangs", "originals_lost", "reports_lost")}
    results["seconds"] = round(time.monotonic() - t0)
    (out_dir / "campaign.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--fuzz", type=int, default=1200)
    ap.add_argument("--kills", type=int, default=120)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", action="store_true", help="also the 200+ file foreign corpus (LibreOffice)")
    a = ap.parse_args()
    results = run_campaign(a.out_dir, a.fuzz, a.kills, a.workers, a.corpus)
    print(json.dumps({k: v for k, v in results.items() if k != "files"} | {
        "files": {k: v for k, v in results["files"].items() if k != "failed"}}, ensure_ascii=False, indent=2))
    for line in results["files"]["failed"]:
        print("  ", line)


if __name__ == "__main__":
    main()
