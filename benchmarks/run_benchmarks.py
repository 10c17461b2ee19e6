"""Speed at the scale of a whole förbund (issue #6): one command, one machine, one run.

    /work/venv/bin/python benchmarks/run_benchmarks.py                 # 500, 5 000 and 20 000 participants
    /work/venv/bin/python benchmarks/run_benchmarks.py --sizes 500,5000 --repeat 1   # quick look

For every size it generates a workbook once (cached by size and seed), then times, each in a fresh
subprocess so the peak memory (ru_maxrss from os.wait4, per child) belongs to that one run:

- calamine: python-calamine merely parsing every input sheet (the floor),
- recalc:   xlpy.jobs.recalc_file on a copy of the file (read, validate, compute, write the four sheets),
- report:   xlpy.jobs.report_file on a copy (recalc + the Word report),
- openpyxl: openpyxl.load_workbook(read_only=False), what a naive tool pays; capped in time and memory.

Times are measured inside the child around the call alone (imports done before), repeated `--repeat`
times, median taken. The results table goes to benchmarks/README.md between the markers and the raw
numbers to benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
RESULTS_JSON = HERE / "results.json"
START_MARK = "<!-- results:start (written by run_benchmarks.py; do not edit by hand) -->"
END_MARK = "<!-- results:end -->"
KINDS = ("calamine", "recalc", "report", "openpyxl")

# -- targets of issue #6 --
TARGET_RECALC_OVER_PARSE = 2.0  # at 5 000
TARGET_GROWTH_PER_4X = 4.5
TARGET_PEAK_MB = 1024  # at 20 000
TARGET_REPORT_OVER_RECALC = 3.0  # at 5 000


# ----------------------------------------------------------------------------------------------- child

def _child(kind: str, path: Path, workdir: Path, mem_cap_mb: int) -> dict[str, Any]:
    """Run one measurement in this (child) process and return its numbers; imports happen before timing."""
    import resource

    if mem_cap_mb:
        cap = mem_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    sys.path.insert(0, str(ROOT))
    if kind == "calamine":
        import python_calamine as pc

        from xlpy import spec

        names = {s.name for s in spec.INPUT_SHEETS}
        t0, c0 = time.perf_counter(), time.process_time()
        book = pc.CalamineWorkbook.from_path(str(path))
        cells = 0
        for name in book.sheet_names:
            if name in names:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                cells += sum(len(r) for r in rows)
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "cells": cells}
    if kind == "openpyxl":
        import openpyxl

        t0, c0 = time.perf_counter(), time.process_time()
        try:
            wb = openpyxl.load_workbook(str(path), read_only=False)
        except MemoryError:
            return {"error": f"över minnestaket {mem_cap_mb} MB"}
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "sheets": len(wb.sheetnames)}
    copy = workdir / "kopia.xlsx"
    shutil.copyfile(path, copy)
    # -- every module recalc_file uses is imported before timing, as the baseline imports calamine --
    from xlpy import jobs
    from xlpy.intake import validate  # noqa: F401
    from xlpy.io import calamine_backend, xlsx_package  # noqa: F401
    from xlpy.report import render_report  # noqa: F401

    t0, c0 = time.perf_counter(), time.process_time()
    if kind == "recalc":
        outcome = jobs.recalc_file(copy)
    elif kind == "report":
        outcome = jobs.report_file(copy, out_docx=workdir / "rapport.docx")
    else:
        raise SystemExit(f"unknown kind {kind}")
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "errors": outcome.errors,
            "warnings": outcome.warnings}


# ---------------------------------------------------------------------------------------------- parent

def run_child(kind: str, path: Path, timeout: float, mem_cap_mb: int = 0) -> dict[str, Any]:
    """One measurement in a fresh interpreter: its own numbers plus peak RSS (MB) and wall time (s)."""
    with tempfile.TemporaryDirectory(prefix="xlpy-bench-") as workdir:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path), workdir,
               str(mem_cap_mb)]
        t0 = time.perf_counter()
        # -- stderr goes to a file: two pipes read one after the other can deadlock on a chatty child --
        with open(Path(workdir) / "stderr.txt", "w+b") as err_file:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err_file, cwd=ROOT)
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            out = proc.stdout.read()  # type: ignore[union-attr]
            # -- os.wait4 gives this child's own rusage (getrusage(RUSAGE_CHILDREN) would be a running max) --
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            timer.cancel()
            err_file.seek(0)
            err = err_file.read()
        wall = time.perf_counter() - t0
    result: dict[str, Any] = {"peak_mb": usage.ru_maxrss / 1024, "wall": wall}
    if proc.returncode != 0:
        killed = proc.returncode < 0
        reason = f"avbruten efter {timeout:.0f} s" if killed else err.decode(errors="replace").strip()[-400:]
        result["error"] = reason
        return result
    result.update(json.loads(out.decode().strip().splitlines()[-1]))
    return result


def _run_and_print(kind: str, path: Path, timeout: float, mem_cap_mb: int = 0) -> dict[str, Any]:
    r = run_child(kind, path, timeout, mem_cap_mb)
    print(f"    {kind:9s} {_fmt_s(r.get('seconds'))} s (cpu {_fmt_s(r.get('cpu'))} s) {r['peak_mb']:7.0f} MB"
          + (f"  ({r['error']})" if "error" in r else ""), flush=True)
    return r


def measure(kind: str, path: Path, repeat: int, timeout: float, mem_cap_mb: int = 0) -> dict[str, Any]:
    """`repeat` runs of one kind: median time, max peak memory, all raw times; stops at the first error."""
    runs = []
    for _ in range(repeat):
        runs.append(_run_and_print(kind, path, timeout, mem_cap_mb))
        if "error" in runs[-1]:
            break
    return _summary(runs)


def measure_interleaved(kinds: list[str], path: Path, repeat: int, timeout: float) -> dict[str, dict[str, Any]]:
    """`repeat` rounds of calamine, recalc, report one after the other, so a slow stretch of a noisy
    machine hits the baseline and the measured jobs alike and their ratio stays fair."""
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for _ in range(repeat):
        for kind in kinds:
            if not runs[kind] or "error" not in runs[kind][-1]:
                runs[kind].append(_run_and_print(kind, path, timeout))
    return {k: _summary(v) for k, v in runs.items()}


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if "error" not in r]
    summary: dict[str, Any] = {"runs": runs, "peak_mb": max(r["peak_mb"] for r in runs)}
    if len(ok) == len(runs):
        summary["seconds"] = statistics.median(r["seconds"] for r in ok)
        summary["cpu"] = statistics.median(r["cpu"] for r in ok)
        summary["wall"] = statistics.median(r["wall"] for r in ok)
    else:
        summary["error"] = runs[-1]["error"]
    return summary


def workbook_for(size: int, seed: int, cache: Path) -> tuple[Path, float | None]:
    """The cached generated workbook for `size` (generated now if missing) and the seconds that took."""
    sys.path.insert(0, str(ROOT))
    from xlpy.generate import generate_workbook

    path = cache / f"syntetisk_{size}_s{seed}.xlsx"
    if path.exists():
        return path, None
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    generate_workbook(path, size, seed=seed)
    return path, time.perf_counter() - t0


def _fmt_s(x: float | None) -> str:
    return "–" if x is None else f"{x:7.2f}"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "seconds") -> float | None:
    if not a or not b or key not in a or key not in b or not b[key]:
        return None
    return float(a[key] / b[key])


def growth_per_4x(t1: float, t2: float, n1: int, n2: int) -> float:
    """Time factor per 4× data between two sizes of n1 and n2 data rows: (t2/t1) ** (ln 4 / ln(n2/n1));
    4.0 is linear. Rows, not participants: Närvaro stops at Excel's row limit near 15 000 participants."""
    return float((t2 / t1) ** (math.log(4) / math.log(n2 / n1)))


def machine() -> str:
    """CPU model, cores, RAM, OS and Python: enough to compare runs."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "RAM okänt"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def _sec(m: dict[str, Any], kind: str) -> str:
    x = m.get(kind)
    if not x:
        return "ej körd"
    return f"{x['seconds']:.2f}" if "seconds" in x else f"– ({x['error']})"


def _mb(m: dict[str, Any], kind: str) -> str:
    x = m.get(kind)
    return f"{x['peak_mb']:.0f} MB" if x else "–"


def _rat(m: dict[str, Any], a: str, b: str, key: str = "seconds") -> str:
    x = _ratio(m.get(a), m.get(b), key)
    return "–" if x is None else f"{x:.2f}×"


def table(results: dict[str, Any]) -> str:
    """The Markdown results section (English: this is developer documentation)."""
    sizes = results["sizes"]
    lines = [
        f"Run {results['date']} on {results['machine']}. Median of {results['repeat']} runs; "
        "seconds for the call itself (imports done before), peak memory (ru_maxrss) per process.",
        "",
        "| participants | attendance rows | file size | calamine parse | recalc | report | openpyxl load "
        "| recalc / calamine | report / recalc | openpyxl / calamine | peak recalc | peak report "
        "| peak openpyxl |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in sizes:
        r = results["by_size"][str(s)]
        m = r["measure"]
        lines.append(
            f"| {s:,} | {r['attendance_rows']:,} | {r['file_mb']:.1f} MB | {_sec(m, 'calamine')} "
            f"| {_sec(m, 'recalc')} | {_sec(m, 'report')} | {_sec(m, 'openpyxl')} | {_rat(m, 'recalc', 'calamine')} "
            f"| {_rat(m, 'report', 'recalc')} | {_rat(m, 'openpyxl', 'calamine')} | {_mb(m, 'recalc')} "
            f"| {_mb(m, 'report')} | {_mb(m, 'openpyxl')} |".replace(",", " ")
        )
    lines += ["", "CPU time (s; less sensitive to other processes on the machine than wall-clock time):", ""]
    lines += ["| participants | calamine | recalc | report | openpyxl | recalc / calamine | report / recalc |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        m = results["by_size"][str(s)]["measure"]
        cpu = [f"{m[k]['cpu']:.2f}" if "cpu" in m.get(k, {}) else "–" for k in KINDS]
        lines.append(f"| {s:,} | {' | '.join(cpu)} | {_rat(m, 'recalc', 'calamine', 'cpu')} "
                     f"| {_rat(m, 'report', 'recalc', 'cpu')} |".replace(",", " "))
    lines += ["", "Growth: time factor per 4× data; 4.0 is linear, the target ≤ 4.5. Per 4× data rows "
              "(wall / cpu) and per 4× participants (wall):", ""]
    lines += ["| from → to | data rows | calamine | recalc | report |", "|---|---:|---:|---:|---:|"]
    for g in results["growth"]:
        ra, rb = (results["by_size"][str(x)]["data_rows"] for x in (g["from"], g["to"]))
        cells = [" / ".join("–" if g.get(k) is None else f"{g[k]:.2f}" for k in (kind, kind + "_cpu"))
                 + ("" if g.get(kind + "_participants") is None else f"; {g[kind + '_participants']:.2f}")
                 for kind in ("calamine", "recalc", "report")]
        lines.append(f"| {g['from']:,} → {g['to']:,} | {ra:,} → {rb:,} | {' | '.join(cells)} |".replace(",", " "))
    lines += ["", "Targets (issue #6):", ""]
    lines += [f"- {t}" for t in results["targets"]]
    return "\n".join(lines) + "\n"


def check_targets(results: dict[str, Any]) -> list[str]:
    """One line per target of issue #6: measured value and met / NOT met / not measured."""
    by = results["by_size"]
    out = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    m5 = by.get("5000", {}).get("measure", {})
    x = _ratio(m5.get("recalc"), m5.get("calamine"))
    out.append("recalc at 5 000 within 2× calamine: " + ("not measured" if x is None else
               f"{x:.2f}× – {verdict(x <= TARGET_RECALC_OVER_PARSE)}"))
    worst = [g["recalc"] for g in results["growth"] if g.get("recalc") is not None]
    worst_p = [g["recalc_participants"] for g in results["growth"] if g.get("recalc_participants") is not None]
    out.append("linear growth (recalc, ≤ 4.5 per 4×): " + ("not measured" if not worst else
               f"at most {max(worst):.2f} per 4× data rows – {verdict(max(worst) <= TARGET_GROWTH_PER_4X)}"
               + (f" (at most {max(worst_p):.2f} per 4× participants)" if worst_p else "")))
    m20 = by.get("20000", {}).get("measure", {})
    peaks = [m20[k]["peak_mb"] for k in ("recalc", "report") if k in m20]
    out.append("peak memory at 20 000 under 1 GB (recalc and report): " + ("not measured" if not peaks else
               f"{max(peaks):.0f} MB – {verdict(max(peaks) < TARGET_PEAK_MB)}"))
    x = _ratio(m5.get("report"), m5.get("recalc"))
    out.append("report at 5 000 within 3× recalc: " + ("not measured" if x is None else
               f"{x:.2f}× – {verdict(x <= TARGET_REPORT_OVER_RECALC)}"))
    return out


def write_readme(section: str, start: str = START_MARK, end: str = END_MARK) -> None:
    """Replace the generated section of README.md (between the markers `start` and `end`), keeping the rest."""
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{section}{end}{tail}", encoding="utf-8")


def _add_growth(results: dict[str, Any]) -> None:
    """Growth per 4× data between consecutive sizes, by data rows and by participants."""
    sizes = results["sizes"]
    results["growth"] = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        g: dict[str, Any] = {"from": a, "to": b}
        ra, rb = results["by_size"][str(a)]["data_rows"], results["by_size"][str(b)]["data_rows"]
        for kind in ("calamine", "recalc", "report"):
            ma = results["by_size"][str(a)]["measure"].get(kind, {})
            mb_ = results["by_size"][str(b)]["measure"].get(kind, {})
            g[kind] = growth_per_4x(ma["seconds"], mb_["seconds"], ra, rb) if "seconds" in ma and "seconds" in mb_ \
                else None
            g[kind + "_cpu"] = growth_per_4x(ma["cpu"], mb_["cpu"], ra, rb) if "cpu" in ma and "cpu" in mb_ \
                else None
            g[kind + "_participants"] = growth_per_4x(ma["seconds"], mb_["seconds"], a, b) \
                if "seconds" in ma and "seconds" in mb_ else None
        results["growth"].append(g)


def _rerender() -> int:
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    _add_growth(results)
    results["targets"] = check_targets(results)
    section = table(results)
    print(section)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_readme(section)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.child:
        kind, path, workdir, cap = args.child
        print(json.dumps(_child(kind, Path(path), Path(workdir), int(cap))))
        return 0
    if args.from_json:
        return _rerender()
    sizes = [int(x) for x in args.sizes.split(",")]
    kinds = [k for k in args.kinds.split(",") if k in KINDS]
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine(), "repeat": args.repeat,
                               "sizes": sizes, "by_size": {}, "growth": []}
    for size in sizes:
        path, gen_s = workbook_for(size, args.seed, Path(args.cache))
        import python_calamine as pc

        book = pc.CalamineWorkbook.from_path(str(path))
        # -- every sheet has a title and a header row above its data --
        rows = {name: len(book.get_sheet_by_name(name).to_python()) - 2 for name in book.sheet_names}
        attendance_rows, data_rows = rows["Närvaro"], sum(rows.values())
        print(f"{size} participants: {path.name}, {attendance_rows} attendance rows"
              + (f", genererad på {gen_s:.1f} s" if gen_s else ""), flush=True)
        entry: dict[str, Any] = {"file_mb": path.stat().st_size / 1e6, "attendance_rows": attendance_rows,
                                 "data_rows": data_rows,
                                 "generate_seconds": gen_s, "measure": {}}
        entry["measure"].update(
            measure_interleaved([k for k in kinds if k != "openpyxl"], path, args.repeat, args.timeout))
        if "openpyxl" in kinds:
            repeat = args.repeat if size <= args.openpyxl_full_repeat_max else 1
            entry["measure"]["openpyxl"] = measure("openpyxl", path, repeat, args.openpyxl_timeout,
                                                   args.openpyxl_mem_mb)
        results["by_size"][str(size)] = entry
    _add_growth(results)
    results["targets"] = check_targets(results)
    section = table(results)
    print()
    print(section)
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_readme(section)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="500,5000,20000", help="participants per workbook, comma-separated")
    p.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kinds", default=",".join(KINDS), help="subset of " + ",".join(KINDS))
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "xlpy-bench-cache"),
                   help="folder for the generated workbooks (kept between runs)")
    p.add_argument("--timeout", type=float, default=600, help="seconds before a recalc/report run is killed")
    p.add_argument("--openpyxl-timeout", type=float, default=300, help="cap on one openpyxl load, seconds")
    p.add_argument("--openpyxl-mem-mb", type=int, default=8000, help="address-space cap for openpyxl, MB")
    p.add_argument("--openpyxl-full-repeat-max", type=int, default=5000,
                   help="above this size openpyxl is loaded once, not --repeat times")
    p.add_argument("--from-json", action="store_true",
                   help="re-render README.md from results.json without measuring again")
    p.add_argument("--no-write", action="store_true", help="print only; leave README.md and results.json")
    p.add_argument("--child", nargs=4, metavar=("KIND", "PATH", "WORKDIR", "MEM_CAP_MB"), help=argparse.SUPPRESS)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
