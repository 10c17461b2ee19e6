"""Run `xlpy` commands in-process or as a subprocess and judge the answer: exit code, one sentence, no
traceback, and the file's bytes unchanged on error."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    """One command run: exit code (None when an exception escaped), what it printed, the traceback if any."""

    argv: list[str]
    rc: int | None
    out: str
    crash: str = ""

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]

    def problems(self) -> list[str]:
        """What is wrong with this answer as a user would see it ([] = a good answer)."""
        bad = []
        if self.crash:
            bad.append(f"exception escaped: {self.crash.strip().splitlines()[-1]}")
        if "Traceback" in self.out:
            bad.append("traceback printed")
        if "oväntat fel" in self.out:
            bad.append(f"unexpected error: {self.out.strip()}")
        if self.rc not in (0, 1, 2):
            bad.append(f"exit code {self.rc}")
        if self.rc == 2 and (len(self.lines) != 1 or not self.lines[0].startswith("Fel: ")):
            bad.append(f"not one 'Fel:' sentence: {self.out!r}")
        return bad


def sha256(path: Path) -> str | None:
    """The file's sha256, or None for a missing file or a directory."""
    p = Path(path)
    if not p.is_file():
        return None
    return hashlib.sha256(p.read_bytes()).hexdigest()


def run_inprocess(argv: list[str]) -> Run:
    """`xlpy.cli.main(argv)` with XLPY_DEBUG=1, so any exception the CLI would hide escapes and is caught
    here as a crash (the catch-all message is a safety net, not an answer)."""
    from xlpy import cli

    buf = io.StringIO()
    old = os.environ.get("XLPY_DEBUG")
    os.environ["XLPY_DEBUG"] = "1"
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            rc = cli.main(argv)
        return Run(argv, rc, buf.getvalue())
    except SystemExit as e:  # argparse
        return Run(argv, e.code if isinstance(e.code, int) else 2, buf.getvalue())
    except BaseException:  # noqa: BLE001 -- any escape is what the harness counts
        return Run(argv, None, buf.getvalue(), traceback.format_exc())
    finally:
        if old is None:
            os.environ.pop("XLPY_DEBUG", None)
        else:
            os.environ["XLPY_DEBUG"] = old


def run_subprocess(argv: list[str], timeout: float = 60, env: dict[str, str] | None = None) -> Run:
    """`python -m xlpy.cli argv` as a user runs it (no XLPY_DEBUG): stdout and stderr together."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("XLPY_DEBUG", None)
    full_env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, "-m", "xlpy.cli", *argv], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=str(REPO))
    return Run(argv, proc.returncode, proc.stdout + proc.stderr)
