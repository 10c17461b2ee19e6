"""What a ribbon click costs in Python with the add-in's `USE UDF SERVER` (issue #11): a warm click in a
process that has served one before, against a fresh process per click (xlwings' default without the key).

    .venv/bin/python benchmarks/warm_click.py              # 5 warm clicks, 3 fresh processes
    .venv/bin/python benchmarks/warm_click.py --repeat 2 --json ut.json

The click is *Beräkna mål* (`xlpy.excel.actions.recalculate`) on the example workbook, run through
xlwings' own Book API: the remote engine (`xw.Book(json=...)`, allowed in tests and benchmarks with
XLWINGS_LICENSE_KEY=noncommercial, see shared/notes/excel-facts.md) gets the payload the VBA client would
send, i.e. every sheet's values, and records what Excel would be told to do. Each click builds its book
from the payload, as each real click gets `xw.Book.caller()`. Python time only: Excel's own work (sending
the values over COM, applying the actions) is not in it, on either side of the comparison.

- warm: the second and later clicks in this process (imports done, modules loaded), median;
- cold: the first click in this process (its imports of pandas, lxml, the report modules … included);
- fresh: a new Python process per click, from interpreter start to the click's end (wall and CPU of the
  child from os.wait4), which is what every click costs without the UDF server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # -- before xlwings is imported --
ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.3


def example_payload(path: Path | None = None) -> dict[str, Any]:
    """The remote engine's payload for `path` (default: the example workbook): every sheet's values."""
    import xlwings as xw
    from python_calamine import CalamineWorkbook

    from xlpy.jobs import EXAMPLE_WORKBOOK

    path = path or EXAMPLE_WORKBOOK

    def cell(v: Any) -> Any:
        return v.isoformat() if isinstance(v, dt.date | dt.datetime | dt.time) else ("" if v is None else v)

    wb = CalamineWorkbook.from_path(str(path))
    sheets = [{"name": n, "values": [[cell(v) for v in row] for row in
                                     wb.get_sheet_by_name(n).to_python(skip_empty_area=False)],
               "pictures": [], "tables": []} for n in wb.sheet_names]
    return {"version": xw.__version__, "client": "VBA", "book": {"name": path.name, "active_sheet_index": 0},
            "sheets": sheets, "names": []}


def click(payload: dict[str, Any]) -> tuple[float, float, str]:
    """One *Beräkna mål* through xlwings' Book API; returns (wall s, CPU s, the message shown)."""
    wall, cpu = time.perf_counter(), time.process_time()
    import xlwings as xw

    from xlpy.excel import actions

    message = actions.recalculate(xw.Book(json=payload)) or ""
    return time.perf_counter() - wall, time.process_time() - cpu, message


def fresh_process() -> tuple[float, float]:
    """(wall s, CPU s) of a new Python process that makes one click, interpreter start included."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import warm_click as w; "
            "p = json.load(open(sys.argv[2], encoding='utf-8')); w.click(p)")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(Path(__file__).parent), str(_payload_file())],
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"the fresh process failed ({status})")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


_PAYLOAD_FILE: Path | None = None


def _payload_file() -> Path:
    global _PAYLOAD_FILE
    if _PAYLOAD_FILE is None:
        import tempfile

        _PAYLOAD_FILE = Path(tempfile.mkdtemp(prefix="xlpy-click-")) / "payload.json"
        _PAYLOAD_FILE.write_text(json.dumps(example_payload()), encoding="utf-8")
    return _PAYLOAD_FILE


def measure(repeat: int = 5, fresh: int = 3) -> dict[str, Any]:
    """Cold, warm (median of `repeat`) and fresh-process (median of `fresh`) clicks, in seconds."""
    payload = json.loads(_payload_file().read_text(encoding="utf-8"))
    cold = click(payload)
    warm = [click(payload) for _ in range(repeat)]
    if len({m for _, _, m in [cold, *warm]}) != 1:
        raise RuntimeError("the clicks answered differently")
    fresh_runs = [fresh_process() for _ in range(fresh)]
    out = {
        "workbook": "workbook/forsta_steget_exempel.xlsx",
        "message": cold[2],
        "cold": {"wall": cold[0], "cpu": cold[1]},
        "warm": {"wall": statistics.median(w for w, _, _ in warm), "cpu": statistics.median(c for _, c, _ in warm),
                 "runs": [[w, c] for w, c, _ in warm]},
        "fresh": {"wall": statistics.median(w for w, _ in fresh_runs), "cpu": statistics.median(c for _, c in fresh_runs),
                  "runs": [list(r) for r in fresh_runs]},
        "target_seconds": TARGET_SECONDS,
    }
    # -- the target is Python time: CPU seconds, which other processes on a shared machine do not inflate --
    out["warm_met"] = out["warm"]["cpu"] < TARGET_SECONDS
    out["fresh_over_warm"] = out["fresh"]["wall"] / out["warm"]["wall"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="warm clicks (median)")
    parser.add_argument("--fresh", type=int, default=3, help="fresh processes (median)")
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("warm_click.json"))
    args = parser.parse_args(argv)
    result = measure(args.repeat, args.fresh)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    w, c, f = result["warm"], result["cold"], result["fresh"]
    print(f"warm click: {w['cpu']:.3f} s CPU, {w['wall']:.3f} s wall (target < {TARGET_SECONDS} s CPU: "
          f"{'met' if result['warm_met'] else 'NOT met'})")
    print(f"cold click (first in the process): {c['wall']:.3f} s wall, {c['cpu']:.3f} s CPU")
    print(f"fresh process per click: {f['wall']:.3f} s wall, {f['cpu']:.3f} s CPU "
          f"({result['fresh_over_warm']:.0f}x the warm click)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
