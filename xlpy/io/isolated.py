"""Read a whole .xls/.xlsb/.ods workbook with python-calamine in a child process.

calamine parses these binary and ODF formats on open, and a damaged file can make it panic or ask for
tens of gigabytes (a fuzzed .xls: "memory allocation of 46714013280 bytes failed", then SIGABRT), which
no `except` can catch. In a child process with a memory limit, such a file costs a refusal in Swedish,
never the run. Their sheets cannot be written to (recalc needs .xlsx/.xlsm), and they are small, so
reading them all at once, once, is cheap (~0.2 s for the child's start).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from typing import Any

# -- far above what any .xls can hold (65 536 × 256 cells) and what a follow-up .ods/.xlsb needs --
CHILD_MEMORY_BYTES = 3 * 2**30
CHILD_TIMEOUT_S = 300

_CHILD = r"""
import pickle, sys
import python_calamine as pc
out = {}
try:
    book = pc.CalamineWorkbook.from_path(sys.argv[1])
    names = [m.name for m in book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
    sheets = {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in names}
    out = {"names": names, "sheets": sheets}
except pc.PasswordError:
    out = {"error": "password"}
except BaseException as exc:
    out = {"error": "corrupt", "detail": f"{type(exc).__name__}: {exc}"[:500]}
sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
"""


class ChildFailed(Exception):
    """The child could not read the workbook; args[0] is "password" or "corrupt", args[1] a detail."""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))


def read_workbook(path: str) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """(worksheet names in tab order, {name: rows from A1}) of the workbook at `path`.
    Raises ChildFailed when the file is password-protected, damaged, or kills the child."""
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, path], capture_output=True, timeout=CHILD_TIMEOUT_S,
                              env=env, preexec_fn=_limit_memory if sys.platform != "win32" else None)
    except subprocess.TimeoutExpired as exc:
        raise ChildFailed("corrupt", "timeout") from exc
    except OSError as exc:
        raise ChildFailed("corrupt", str(exc)) from exc
    try:
        out = pickle.loads(proc.stdout) if proc.returncode == 0 and proc.stdout else None
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise ChildFailed("corrupt", str(exc)) from exc
    if not isinstance(out, dict):
        raise ChildFailed("corrupt", f"child exit {proc.returncode}")
    if "error" in out:
        raise ChildFailed(out["error"], out.get("detail", ""))
    return out["names"], out["sheets"]
