"""Whole commands as the user runs them (issue #17): each a fresh process, interleaved, ratios to a bare parse.

    .venv/bin/python benchmarks/commands.py                              # 1 250, 5 000, 20 000; 5 rounds
    .venv/bin/python benchmarks/commands.py --sizes 5000 --rounds 3      # a quick look
    .venv/bin/python benchmarks/commands.py --kinds parse,recalc,report --sizes 1250,5000

Every measurement is one child process from interpreter start to exit, the way a user meets it (xlpy's
bytecode compiled first, as `pip install` leaves it):

- parse:       `python -c` importing python-calamine and reading every sheet of the file (the floor:
               no program can compute anything before it has the cells),
- recalc:      `xlpy recalc COPY` (the console script; read, validate, personal-data search, compute,
               write the four output sheets into the copy),
- report:      `xlpy report COPY -o R.docx` (recalc plus the Word report; off by default, slow),
- sammanstall: `xlpy sammanstall F1 … Fn -o SAMLAD.xlsx` of `--workbooks` generated workbooks, against
               `parse-all`, one process parsing every sheet of all of them (issue #14),
- *-before:    with `--before DIR` (an older tree's xlpy, e.g. `git archive` of the branch point), the same
               recalc and sammanstall of that tree in the same rounds: before and after under one load.

Each round runs every case (every size, then sammanstall) and within it every kind in turn (parse,
recalc, [report]); `--rounds` rounds. A slow stretch of a shared machine thus hits the baseline and the
command, and every size, alike: the ratio of each round is taken inside the round and the median of those
ratios reported with their range; growth likewise per round, median over rounds. Wall time, CPU time
(user + system of the child and its children) and peak RSS come from os.wait4, per child. Growth is the
time factor per 4× data rows between consecutive sizes (4.0 linear), per round, median. Raw numbers go to
benchmarks/commands.json and the table into benchmarks/README.md between its markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_benchmarks import growth_per_4x, machine, write_readme  # noqa: E402

RESULTS = HERE / "commands.json"
START_MARK = "<!-- commands:start (written by commands.py; do not edit by hand) -->"
END_MARK = "<!-- commands:end -->"
XLPY = Path(sys.executable).with_name("xlpy")
BEFORE = Path()  # -- set by --before --

# -- targets of issue #17 --
TARGET_OVER_PARSE = 1.5  # recalc and sammanstall, whole process
TARGET_PEAK_MB = 800  # recalc at 20 000
TARGET_GROWTH = 4.5  # per 4× data

PARSE = r"""
import sys
import python_calamine as pc
cells = 0
for path in sys.argv[1:]:
    book = pc.CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        cells += sum(len(r) for r in book.get_sheet_by_name(name).to_python())
print(cells)
"""


def _reap(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any]:
    # -- wait4 blocks; a timer kills a child that runs past the timeout --
    import threading

    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage


def run_child(cmd: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """One child process: wall s, CPU s (user+sys of it and the children it waited for), peak RSS MB."""
    t0 = time.perf_counter()
    with open(cwd / "out.txt", "w+b") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        code, usage = _reap(proc, timeout)
        wall = time.perf_counter() - t0
        out.seek(0)
        text = out.read().decode(errors="replace")
    r = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "exit": code}
    if code not in (0, 1):  # -- 1 is "done, the data has errors": the generated data has some on purpose --
        r["error"] = text.strip()[-400:]
    return r


def commands(kind: str, files: list[Path], work: Path) -> list[str]:
    """The command line of one kind; copies what it writes into `work` first (outside the timing)."""
    if kind in ("parse", "parse-all"):
        return [sys.executable, "-c", PARSE, *map(str, files)]
    if kind == "recalc":
        copy = work / "kopia.xlsx"
        shutil.copyfile(files[0], copy)
        return [str(XLPY), "recalc", str(copy)]
    if kind == "recalc-before":
        # -- the same command from another tree (--before: an older checkout's xlpy), for before/after in one
        #    run; started as its console script was then --
        copy = work / "kopia.xlsx"
        shutil.copyfile(files[0], copy)
        code = "import sys; sys.path.insert(0, sys.argv.pop(1)); from xlpy.cli import main; sys.exit(main())"
        return [sys.executable, "-c", code, str(BEFORE), "recalc", str(copy)]
    if kind == "sammanstall-before":
        out = work / "samlad.xlsx"
        out.unlink(missing_ok=True)
        code = "import sys; sys.path.insert(0, sys.argv.pop(1)); from xlpy.cli import main; sys.exit(main())"
        return [sys.executable, "-c", code, str(BEFORE), "sammanstall", *map(str, files), "-o", str(out)]
    if kind == "report":
        copy = work / "kopia.xlsx"
        shutil.copyfile(files[0], copy)
        return [str(XLPY), "report", str(copy), "-o", str(work / "rapport.docx")]
    if kind == "sammanstall":
        out = work / "samlad.xlsx"
        out.unlink(missing_ok=True)
        return [str(XLPY), "sammanstall", *map(str, files), "-o", str(out)]
    raise SystemExit(f"unknown kind {kind}")


def rotation(cases: dict[str, tuple[list[str], list[Path]]], rounds: int, timeout: float) -> dict[str, Any]:
    """`rounds` rounds; each round runs every case (label -> kinds, files), and within it every kind in
    turn, so a slow stretch of the machine hits the baseline and the command, and every size, alike.
    Per case and kind: the runs and medians, and per round the ratio to the case's first kind (its
    baseline)."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {c: {k: [] for k in kinds} for c, (kinds, _) in cases.items()}
    with tempfile.TemporaryDirectory(prefix="xlpy-cmd-") as tmp:
        work = Path(tmp)
        for i in range(rounds):
            for label, (kinds, files) in cases.items():
                for kind in kinds:
                    r = run_child(commands(kind, files, work), work, timeout)
                    runs[label][kind].append(r)
                    print(f"    round {i + 1} {label:>10s} {kind:11s} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s"
                          f"  {r['peak_mb']:6.0f} MB" + (f"  ERROR {r['error']}" if "error" in r else ""),
                          flush=True)
    out: dict[str, Any] = {}
    for label, (kinds, _) in cases.items():
        base = kinds[0]
        out[label] = {}
        for kind in kinds:
            rs = runs[label][kind]
            m: dict[str, Any] = {"runs": rs, "peak_mb": max(r["peak_mb"] for r in rs),
                                 "wall": statistics.median(r["wall"] for r in rs),
                                 "cpu": statistics.median(r["cpu"] for r in rs)}
            if any("error" in r for r in rs):
                m["error"] = next(r["error"] for r in rs if "error" in r)
            if kind != base:
                for key in ("wall", "cpu"):
                    per_round = [a[key] / b[key] for a, b in zip(rs, runs[label][base], strict=True)]
                    m[f"ratio_{key}"] = statistics.median(per_round)
                    m[f"ratio_{key}_range"] = [min(per_round), max(per_round)]
            out[label][kind] = m
    return out


def growth(ea: dict[str, Any], eb: dict[str, Any], kind: str, key: str) -> float:
    """Time factor per 4× data rows from case `ea` to `eb`: the median over rounds of each round's own
    factor (the sizes of one round ran minutes apart at most, not a whole run apart)."""
    pairs = zip(ea["measure"][kind]["runs"], eb["measure"][kind]["runs"], strict=True)
    return statistics.median(growth_per_4x(a[key], b[key], ea["data_rows"], eb["data_rows"]) for a, b in pairs)


# -- the parent stays small: on Linux a child's ru_maxrss starts from its parent's size at the fork, so
#    parsing or generating a workbook in this process would show up as every later child's peak --
_ROWS = r"""
import json, sys
import python_calamine as pc
book = pc.CalamineWorkbook.from_path(sys.argv[1])
print(json.dumps({n: len(book.get_sheet_by_name(n).to_python()) - 2 for n in book.sheet_names}))
"""
_GENERATE = r"""
import sys
sys.path.insert(0, sys.argv[1])
from xlpy.generate import generate_workbook
generate_workbook(sys.argv[2], int(sys.argv[3]), seed=int(sys.argv[4]), prefix=sys.argv[5])
"""


def data_rows(path: Path) -> tuple[int, int]:
    """(Närvaro rows, all data rows) of a generated workbook: every sheet has a title and a header row."""
    out = subprocess.run([sys.executable, "-c", _ROWS, str(path)], capture_output=True, text=True, check=True)
    rows: dict[str, int] = json.loads(out.stdout)
    return rows["Närvaro"], sum(rows.values())


def generated(path: Path, participants: int, seed: int, prefix: str = "") -> Path:
    """`path`, generated now (in a child process) unless it is there from an earlier run."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", _GENERATE, str(HERE.parent), str(path), str(participants), str(seed),
                        prefix], check=True)
    return path


def consolidation_files(count: int, participants: int, cache: Path) -> list[Path]:
    """`count` generated workbooks with their own GruppID/DeltagarID prefixes (cached)."""
    folder = cache / f"sammanstall_{count}x{participants}"
    return [generated(folder / f"kommun{i:02d}.xlsx", participants, 1, f"W{i:02d}") for i in range(count)]


def _r(m: dict[str, Any], key: str) -> str:
    if "ratio_" + key not in m:
        return "–"
    lo, hi = m[f"ratio_{key}_range"]
    return f"{m['ratio_' + key]:.2f}× ({lo:.2f}–{hi:.2f})"


def table(res: dict[str, Any]) -> str:
    """The Markdown section for README.md."""
    lines = [f"Run {res['date']} on {res['machine']}; {res['rounds']} interleaved rounds, medians; whole "
             "processes from interpreter start to exit; ratio = median of the per-round ratios to the parse "
             "of the same round (range in brackets).", "",
             "| workbook | data rows | command | wall s | CPU s | peak RSS | wall / parse | CPU / parse |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for label, entry in res["cases"].items():
        for kind, m in entry["measure"].items():
            lines.append(f"| {label} | {entry['data_rows']:,} | {kind} | {m['wall']:.2f} | {m['cpu']:.2f} "
                         f"| {m['peak_mb']:.0f} MB | {_r(m, 'wall')} | {_r(m, 'cpu')} |".replace(",", " "))
    if res["growth"]:
        lines += ["", "Growth per 4× data rows (4.0 linear; wall / CPU):", "",
                  "| from → to | data rows | " + " | ".join(res["growth"][0]["kinds"]) + " |",
                  "|---|---:|" + "---:|" * len(res["growth"][0]["kinds"])]
        for g in res["growth"]:
            cells = [f"{g['kinds'][k]['wall']:.2f} / {g['kinds'][k]['cpu']:.2f}" for k in g["kinds"]]
            lines.append(f"| {g['from']} → {g['to']} | {g['rows'][0]:,} → {g['rows'][1]:,} | "
                         .replace(",", " ") + " | ".join(cells) + " |")
    lines += ["", "Targets (issue #17):", ""] + [f"- {t}" for t in res["targets"]]
    return "\n".join(lines) + "\n"


def targets(res: dict[str, Any]) -> list[str]:
    """One line per target of issue #17 that this run measured."""
    out = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    for label, entry in res["cases"].items():
        for kind in ("recalc-before", "sammanstall-before"):
            before = entry["measure"].get(kind)
            if before and "ratio_wall" in before:
                out.append(f"(for comparison, {kind} {label}: {before['ratio_wall']:.2f}× parse, CPU "
                           f"{before['ratio_cpu']:.2f}×)")
        for kind in ("recalc", "sammanstall"):
            m = entry["measure"].get(kind)
            if m and "ratio_wall" in m:
                out.append(f"{kind} {label} ≤ {TARGET_OVER_PARSE}× parse (wall): {m['ratio_wall']:.2f}× – "
                           f"{verdict(m['ratio_wall'] <= TARGET_OVER_PARSE)} (CPU {m['ratio_cpu']:.2f}×)")
    big = res["cases"].get("20 000", {}).get("measure", {}).get("recalc")
    if big:
        out.append(f"recalc peak memory at 20 000 < {TARGET_PEAK_MB} MB: {big['peak_mb']:.0f} MB – "
                   f"{verdict(big['peak_mb'] < TARGET_PEAK_MB)}")
    for g in res["growth"]:
        if "recalc" in g["kinds"]:
            w = g["kinds"]["recalc"]["wall"]
            out.append(f"recalc growth {g['from']} → {g['to']} ≤ {TARGET_GROWTH} per 4× data: {w:.2f} – "
                       f"{verdict(w <= TARGET_GROWTH)} (CPU {g['kinds']['recalc']['cpu']:.2f})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1250,5000,20000", help="participants per workbook, comma-separated")
    ap.add_argument("--kinds", default="parse,recalc", help="parse first, then any of recalc,report")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workbooks", type=int, default=4, help="workbooks for sammanstall (0: skip it)")
    ap.add_argument("--participants-each", type=int, default=1250, help="participants per sammanstall workbook")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "xlpy-bench-cache"))
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--no-write", action="store_true", help="print only; leave commands.json and README alone")
    ap.add_argument("--before", type=Path, help="a folder holding an older xlpy package (e.g. `git archive` of "
                    "the branch point): adds `recalc-before`, its recalc, to every round")
    args = ap.parse_args(argv)
    kinds = args.kinds.split(",")
    if kinds[0] != "parse":
        kinds = ["parse"] + [k for k in kinds if k != "parse"]
    if args.before:
        global BEFORE
        BEFORE = args.before.resolve()
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(BEFORE / "xlpy")], check=True,
                       stdout=subprocess.DEVNULL)
        kinds.append("recalc-before")
    # -- as after `pip install` (which compiles): without .pyc files (PYTHONDONTWRITEBYTECODE=1 is set on
    #    some machines, and an editable install compiles nothing) every run would compile xlpy again --
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "xlpy")], check=True,
                   stdout=subprocess.DEVNULL)
    res: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine(), "rounds": args.rounds,
                           "cases": {}, "growth": []}
    cases: dict[str, tuple[list[str], list[Path]]] = {}
    sized: list[tuple[int, dict[str, Any]]] = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        path = generated(Path(args.cache) / f"syntetisk_{size}_s{args.seed}.xlsx", size, args.seed)
        attendance, rows = data_rows(path)
        print(f"{size} participants: {path.name}, {rows} data rows ({attendance} Närvaro)", flush=True)
        label = f"{size:,}".replace(",", " ")
        res["cases"][label] = entry = {"participants": size, "file": path.name, "file_mb": path.stat().st_size / 1e6,
                                       "attendance_rows": attendance, "data_rows": rows}
        cases[label] = (kinds, [path])
        sized.append((size, entry))
    if args.workbooks:
        files = consolidation_files(args.workbooks, args.participants_each, Path(args.cache))
        rows = sum(data_rows(f)[1] for f in files)
        label = f"{args.workbooks} × {args.participants_each:,}".replace(",", " ")
        print(f"sammanstall of {label} participants ({rows} data rows)", flush=True)
        res["cases"][label] = {"workbooks": args.workbooks, "participants_each": args.participants_each,
                               "data_rows": rows}
        cases[label] = (["parse-all", "sammanstall"] + (["sammanstall-before"] if args.before else []), files)
    for label, measured in rotation(cases, args.rounds, args.timeout).items():
        res["cases"][label]["measure"] = measured
    for (a, ea), (b, eb) in zip(sized, sized[1:], strict=False):
        res["growth"].append({"from": a, "to": b, "rows": [ea["data_rows"], eb["data_rows"]],
                              "kinds": {kind: {key: growth(ea, eb, kind, key) for key in ("wall", "cpu")}
                                        for kind in kinds}})
    res["targets"] = targets(res)
    section = table(res)
    print()
    print(section)
    if not args.no_write:
        RESULTS.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_readme(section, START_MARK, END_MARK)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
