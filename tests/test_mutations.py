"""Property-based robustness (issue #5): mutate the example workbook's cells and check that reading and
computing never crash, that every invalid mutated cell is reported at its row, and that the figures of
groups whose rows were not touched stay exactly as they were."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus.variants import example_sheets
from xlpy import spec
from xlpy.io.base import WorkbookError
from xlpy.io.memory import MemoryWorkbook
from xlpy.jobs import check_source

HEADER_ROW = 1  # 0-based index of the header row in the example workbook (row 2 in Excel)
# -- only sheets whose rows belong to one group, so "untouched groups" is well defined --
MUTABLE = ("groups", "staff", "participants", "attendance", "internships", "outcomes")

# -- a value that is certainly invalid for each kind of column (text columns accept anything) --
INVALID: dict[str, list[Any]] = {
    "int": ["sexton", -3, 2.5, "4 st"],
    "number": ["abc", "12 kr x"],
    "date": ["igår", "2019-02-30", "31/12/2019", True],
    "yesno": ["kanske", 7, "jaa"],
    "percent": ["mycket", 150, -5, "200 %"],
    "choice": ["Q", "okänd", 3],
}
STATS = {"mutations": 0, "examples": 0}


@dataclass(frozen=True)
class Mutation:
    """One change: kind, sheet key, 0-based data row (None for whole-sheet kinds), column key, new value."""

    kind: str
    sheet: str
    row: int | None = None
    column: str | None = None
    value: Any = None


@cache
def _base() -> dict[str, list[list[Any]]]:
    return example_sheets()


@cache
def _baseline() -> dict[str, Any]:
    return check_source(MemoryWorkbook(copy.deepcopy(_base()))).results


def _name(key: str) -> str:
    return spec.SHEETS_BY_KEY[key].name


def _col_index(rows: list[list[Any]], header: str) -> int:
    return rows[HEADER_ROW].index(header)


def _data_rows(key: str) -> int:
    return len(_base()[_name(key)]) - HEADER_ROW - 1


@st.composite
def mutation(draw: st.DrawFn, n: int) -> Mutation:
    kind = draw(st.sampled_from(["wrong_type", "wrong_type", "blank", "unknown_code", "duplicate", "swap",
                                 "delete_sheet"]))
    key = draw(st.sampled_from(MUTABLE))
    sheet = spec.SHEETS_BY_KEY[key]
    row = draw(st.integers(0, _data_rows(key) - 1))
    if kind == "wrong_type":
        col = draw(st.sampled_from([c for c in sheet.columns if c.kind in INVALID]))
        return Mutation(kind, key, row, col.key, draw(st.sampled_from(INVALID[col.kind])))
    if kind == "blank":
        col = draw(st.sampled_from([c for c in sheet.columns if c.required]))
        return Mutation(kind, key, row, col.key, draw(st.sampled_from(["", None, "   "])))
    if kind == "unknown_code":
        key = draw(st.sampled_from(["participants", "attendance", "internships", "outcomes"]))
        row = draw(st.integers(0, _data_rows(key) - 1))
        col = "group_id" if key == "participants" else "participant_id"
        # -- a fresh code each time: validate reports repeated unknown codes once, at their first row --
        return Mutation(kind, key, row, col, f"OKÄND-{n}")
    if kind == "duplicate":
        return Mutation(kind, draw(st.sampled_from(["participants", "groups"])), row)
    if kind == "swap":
        return Mutation(kind, draw(st.sampled_from([s.key for s in spec.INPUT_SHEETS])))
    return Mutation(kind, draw(st.sampled_from([s.key for s in spec.INPUT_SHEETS])))


@st.composite
def plans(draw: st.DrawFn) -> list[Mutation]:
    count = draw(st.integers(1, 4))
    out: list[Mutation] = []
    used: set[tuple[str, int | None]] = set()
    for n in range(count):
        m = draw(mutation(n))
        if m.kind == "duplicate":
            m = Mutation(m.kind, m.sheet, min(m.row or 0, _data_rows(m.sheet) - 1))
        # -- one mutation per row, and no row mutation after its sheet was swapped or deleted --
        if (m.sheet, m.row) in used or (m.sheet, None) in used:
            continue
        used.add((m.sheet, m.row))
        out.append(m)
    return out


def _group_of_row(key: str, row: list[Any], rows_by_sheet: dict[str, list[list[Any]]]) -> set[str]:
    """The group(s) a data row of sheet `key` belongs to, read from the unmutated example."""
    if key in ("groups", "staff", "participants"):
        return {str(row[_col_index(rows_by_sheet[_name(key)], "GruppID")])}
    pid = row[_col_index(rows_by_sheet[_name(key)], "DeltagarID")]
    part = rows_by_sheet[_name("participants")]
    i_pid, i_gid = _col_index(part, "DeltagarID"), _col_index(part, "GruppID")
    return {str(r[i_gid]) for r in part[HEADER_ROW + 1:] if r[i_pid] == pid}


def apply(plan: list[Mutation]) -> tuple[MemoryWorkbook, list[tuple[str, int, str]], set[str] | None]:
    """The mutated workbook, the (sheet, Excel row, header) of every cell that must be reported, and the
    groups touched (None = every group may change)."""
    base = _base()
    sheets = copy.deepcopy(base)
    expected: list[tuple[str, int, str]] = []
    touched: set[str] | None = set()
    for m in plan:
        name = _name(m.sheet)
        if m.kind == "delete_sheet":
            sheets.pop(name, None)
            touched = None
            continue
        if m.kind == "swap":
            rows = sheets[name]
            width = max(len(r) for r in rows)
            order = list(reversed(range(width)))
            sheets[name] = [[(r[j] if j < len(r) else "") for j in order] for r in rows]
            continue
        rows = sheets[name]
        i = HEADER_ROW + 1 + (m.row or 0)
        original = base[name][i]
        if touched is not None:
            touched |= _group_of_row(m.sheet, original, base)
        if m.kind == "duplicate":
            rows.append(copy.deepcopy(original))
            header = "DeltagarID" if m.sheet == "participants" else "GruppID"
            expected.append((name, len(rows), header))
            continue
        header = spec.SHEETS_BY_KEY[m.sheet].column(m.column or "").header
        rows[i][_col_index(base[name], header)] = m.value
        expected.append((name, i + 1, header))
    return MemoryWorkbook(sheets), expected, touched


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_mutated_workbook_reports_every_bad_cell_and_keeps_other_groups(plan: list[Mutation]) -> None:
    book, expected, touched = apply(plan)
    deleted = {_name(m.sheet) for m in plan if m.kind == "delete_sheet"}
    STATS["examples"] += 1
    STATS["mutations"] += len(plan)
    required = {_name(k) for k in spec.REQUIRED_SHEETS}
    try:
        results = check_source(book).results
    except WorkbookError as e:
        assert deleted & required, f"WorkbookError without a deleted required sheet: {e}"
        assert str(e) and "Traceback" not in str(e)
        return
    assert not deleted & required, "a required sheet was deleted but no WorkbookError was raised"

    reported = {(p["sheet"], p["row"]) for p in results["problems"]}
    for sheet, row, header in expected:
        if sheet in deleted:
            continue
        assert (sheet, row) in reported, f"{sheet} rad {row} ({header}) not reported; plan={plan}"

    if touched is None:
        return
    before = _baseline()["levels"]["group"]
    after = results["levels"]["group"]
    for gid, unit in before.items():
        if gid not in touched:
            assert after.get(gid) == unit, f"group {gid} changed though none of its rows was; plan={plan}"


@pytest.mark.parametrize("key", [s.key for s in spec.INPUT_SHEETS])
def test_swapped_columns_give_identical_results(key: str) -> None:
    book, _, _ = apply([Mutation("swap", key)])
    assert check_source(book).results == _baseline()


def test_unmutated_example_has_no_problems() -> None:
    # -- the baseline the property compares against must itself be clean --
    assert _baseline()["problems"] == []
    assert len(_baseline()["levels"]["group"]) == 5


def test_print_mutation_counts(capsys: pytest.CaptureFixture[str]) -> None:
    # -- runs after the property test in file order; prints what was tried --
    with capsys.disabled():
        print(f"\n[mutationer] exempel: {STATS['examples']}, mutationer: {STATS['mutations']}")
    assert STATS["examples"] == 0 or STATS["mutations"] >= STATS["examples"]


def test_dates_in_baseline_are_real_dates() -> None:
    # -- guards the premise of the "date" mutations: the example stores real dates, not text --
    rows = _base()["Deltagare"]
    assert isinstance(rows[HEADER_ROW + 1][_col_index(rows, "Startdatum")], dt.date)
