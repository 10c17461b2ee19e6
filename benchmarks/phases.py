"""Where recalc's time goes, phase by phase, without a profiler's overhead (issue #6).

    /work/venv/bin/python benchmarks/phases.py WORKBOOK.xlsx [--repeat 3]

Runs the steps of xlpy.jobs.recalc_file one by one on the file (writing into a temporary copy) and
prints the CPU seconds of each (median of the repeats): calamine reading the cells, turning them into
typed tables and validating, the personal-data search, compute, building the output sheets and writing
them into the package. A profiler (pyinstrument, cProfile) finds the hot functions; this says how big
each phase really is, since a profiler inflates code made of many small calls.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlpy.core import compute  # noqa: E402 -- after the path is set
from xlpy.intake.privacy import find_personal_data  # noqa: E402
from xlpy.intake.reading import parse_workbook  # noqa: E402
from xlpy.io import xlsx_package  # noqa: E402
from xlpy.io.calamine_backend import open_source  # noqa: E402
from xlpy.outputs.sheets import build_output_sheets  # noqa: E402

PHASES = ("calamine: cells", "reading + validate", "personal-data search", "compute", "output sheets",
          "write package")


class _TimedSource:
    """Wraps a WorkbookSource and adds up the CPU time spent in read_values (calamine itself)."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.name = source.name
        self.seconds = 0.0

    def sheet_names(self) -> list[str]:
        return list(self.source.sheet_names())

    def read_values(self, sheet: str) -> list[list[Any]]:
        t0 = time.process_time()
        try:
            return list(self.source.read_values(sheet))
        finally:
            self.seconds += time.process_time() - t0


def phase_seconds(path: Path) -> dict[str, float]:
    """CPU seconds of each phase of one recalc of `path` (written into a temporary copy)."""
    out: dict[str, float] = {}
    with open_source(path) as raw:
        source = _TimedSource(raw)
        t0 = time.process_time()
        data = parse_workbook(source)
        out["calamine: cells"] = source.seconds
        out["reading + validate"] = time.process_time() - t0 - source.seconds
    t0 = time.process_time()
    find_personal_data(data)
    out["personal-data search"] = time.process_time() - t0
    t0 = time.process_time()
    results = compute(data)
    out["compute"] = time.process_time() - t0
    t0 = time.process_time()
    sheets = build_output_sheets(results)
    out["output sheets"] = time.process_time() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.process_time()
        xlsx_package.write_copy(path, Path(tmp) / "kopia.xlsx", sheets)
        out["write package"] = time.process_time() - t0
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    runs = [phase_seconds(args.path) for _ in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in PHASES}
    total = sum(med.values())
    print(f"{args.path.name}: CPU seconds per phase, median of {args.repeat}")
    for k in PHASES:
        print(f"  {k:22s} {med[k]:6.2f} s  {100 * med[k] / total:4.0f} %")
    print(f"  {'total':22s} {total:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
