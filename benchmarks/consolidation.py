"""Consolidating ten workbooks (issue #14): one command, one run, ratios against python-calamine.

    .venv/bin/python benchmarks/consolidation.py [--workbooks 10] [--participants 500] [--rounds 3]

Generates the workbooks once (cached in a temp folder, each with its own GruppID prefix so they can be
consolidated), then, round by round and interleaved so machine drift hits all three alike, times in this
process (imports done before timing):
- calamine:  python-calamine parsing every sheet of every workbook (the floor),
- in memory: xlpy.intake.consolidate.ConsolidatedSource over the ten files (what `xlpy report F1 … F10` and
  `xlpy check F1 … F10` read through),
- to file:   `xlpy sammanstall F1 … F10 -o SAMLAD.xlsx` as jobs.consolidate_files (read, merge, write).
Prints medians of wall-clock and CPU time (process time: every thread of this process, so the parse
threads count too) and the ratios to the floor; target of #14: consolidating ≤ 1.5× the floor. On a
shared machine the CPU ratio is the steadier one; wall time is what the user waits for.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import python_calamine as pc

from xlpy import jobs
from xlpy.generate import generate_workbook
from xlpy.intake.consolidate import ConsolidatedSource

HERE = Path(__file__).resolve().parent
TARGET = 1.5


def _parse_all(paths: list[Path]) -> None:
    for p in paths:
        book = pc.CalamineWorkbook.from_path(str(p))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workbooks", type=int, default=10)
    ap.add_argument("--participants", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.gettempdir()) / f"xlpy_consolidation_{args.workbooks}x{args.participants}"
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(args.workbooks):
        path = folder / f"kommun{i:02d}.xlsx"
        if not path.exists():
            generate_workbook(path, args.participants, seed=1, prefix=f"W{i:02d}")
        paths.append(path)
    out = folder / "out" / "samlad.xlsx"
    out.parent.mkdir(exist_ok=True)
    times: dict[str, list[float]] = {"calamine": [], "in_memory": [], "to_file": []}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    jobs_ = {
        "calamine": lambda: _parse_all(paths),
        "in_memory": lambda: ConsolidatedSource([jobs.open_file(p) for p in paths]),
        "to_file": lambda: jobs.consolidate_files(paths, out),
    }
    for _ in range(args.rounds):
        for kind, job in jobs_.items():
            t, c = time.perf_counter(), time.process_time()
            job()
            times[kind].append(time.perf_counter() - t)
            cpu[kind].append(time.process_time() - c)
    med = {k: statistics.median(v) for k, v in times.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    # -- the ratio of each round within the round (a slow stretch hits both sides), then the median --
    ratio = {k: statistics.median(a / b for a, b in zip(v, times["calamine"], strict=True)) for k, v in times.items()}
    ratio_cpu = {k: statistics.median(a / b for a, b in zip(v, cpu["calamine"], strict=True)) for k, v in cpu.items()}
    result = {"workbooks": args.workbooks, "participants_each": args.participants, "rounds": args.rounds,
              "median_seconds": med, "median_cpu_seconds": med_cpu,
              "in_memory_over_calamine": ratio["in_memory"], "to_file_over_calamine": ratio["to_file"],
              "in_memory_over_calamine_cpu": ratio_cpu["in_memory"], "to_file_over_calamine_cpu": ratio_cpu["to_file"],
              "target": TARGET}
    print(f"{args.workbooks} workbooks x {args.participants} participants, median of {args.rounds} rounds "
          "(ratios: median of each round's ratio):")
    for k, v in med.items():
        verdict = "" if k == "calamine" else (" (met)" if ratio[k] <= TARGET else f" (NOT met, target {TARGET}x)")
        print(f"  {k:10s} wall {v:6.2f} s  {ratio[k]:4.2f}x{verdict}   cpu {med_cpu[k]:6.2f} s  {ratio_cpu[k]:4.2f}x")
    (HERE / "consolidation.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
