"""Judge one corpus file: `check`, then `recalc` on a copy (twice), and everything that must hold after."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.corpus.harness import Run, run_inprocess, sha256

OUTPUT_NAMES = ("resultat", "måluppfyllelse", "samhällskostnad", "kontroll")


@dataclass
class Verdict:
    """What happened to one file; `failures` lists every broken promise ([] = fine)."""

    name: str
    check_rc: int | None = None
    recalc_rc: int | None = None
    tracebacks: int = 0
    changed_on_error: int = 0
    failures: list[str] = field(default_factory=list)


def _values(path: Path) -> dict[str, list[list[Any]]]:
    """Every worksheet's values, read as xlpy reads them (a far stray cell is read sparsely, where a
    plain calamine read would ask for the whole rectangle), trailing empty cells and rows trimmed."""
    from xlpy.io.calamine_backend import CalamineSource

    source = CalamineSource(path)
    try:
        return {name: _trim(source.read_values(name)) for name in source.sheet_names()}
    finally:
        source.close()


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] == "":
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


def _norm(name: str) -> str:
    return name.strip().lower()


def _count_runs(v: Verdict, label: str, run: Run) -> None:
    if run.crash or "Traceback" in run.out:
        v.tracebacks += 1
    v.failures += [f"{label}: {p}" for p in run.problems()]


def judge(path: Path, workdir: Path, second_run: bool = True) -> Verdict:
    """Run check on `path` and recalc on a copy in `workdir`; the original is never written.
    second_run: also recalc the result once more (idempotence: no duplicated output sheets)."""
    v = Verdict(path.name)
    before = sha256(path)
    check = run_inprocess(["check", str(path)])
    v.check_rc = check.rc
    _count_runs(v, "check", check)
    if sha256(path) != before:
        v.failures.append("check changed the file")
        v.changed_on_error += 1

    copy = workdir / path.name
    shutil.copyfile(path, copy)
    recalc = run_inprocess(["recalc", str(copy)])
    v.recalc_rc = recalc.rc
    _count_runs(v, "recalc", recalc)
    if recalc.rc == 2 and sha256(copy) != before:
        v.failures.append("recalc failed and changed the file")
        v.changed_on_error += 1
    if check.rc in (0, 1) and recalc.rc not in (0, 1) and not recalc.crash:
        v.failures.append(f"check ran but recalc refused: {recalc.out.strip()}")
    if recalc.rc in (0, 1):
        v.failures += _after_recalc(path, copy, second_run)
    return v


def judge_many(paths: list[Path], workdir: Path, every_second_run: int = 4) -> list[Verdict]:
    """judge() each file (in this process); every `every_second_run`-th file also gets a second recalc."""
    return [judge(p, workdir, second_run=i % every_second_run == 0) for i, p in enumerate(paths)]


def _after_recalc(original: Path, copy: Path, second_run: bool) -> list[str]:
    """The recalculated copy loads, keeps every input sheet's values, holds each output sheet once, and a
    second recalc changes neither the sheet list nor the inputs."""
    bad: list[str] = []
    try:
        old, new = _values(original), _values(copy)
    except Exception as e:  # noqa: BLE001 -- an unreadable result is exactly what is judged here
        return [f"recalculated file does not load: {type(e).__name__}: {e}"]
    for name, rows in old.items():
        if _norm(name) in OUTPUT_NAMES:
            continue
        if name not in new:
            bad.append(f"sheet {name!r} lost")
        elif new[name] != rows:
            bad.append(f"sheet {name!r} values changed")
    names = [_norm(n) for n in new]
    for out in OUTPUT_NAMES:
        if names.count(out) != 1:
            bad.append(f"output sheet {out} present {names.count(out)} times")
    if not second_run:
        return bad
    again = run_inprocess(["recalc", str(copy)])
    if again.problems() or again.rc not in (0, 1):
        bad.append(f"second recalc: {again.problems() or again.out.strip()}")
    elif list(_values(copy)) != list(new):
        bad.append("second recalc changed the sheet list")
    return bad
