"""The exact leak audit (xlpy/core/audit.py, issue #10 defect 1): an integer program per connected system
of hidden and unprinted counts, checked against the independent brute-force reader of
tests/suppression_check.py; deep systems and förbund-size ledgers finish without a step budget."""

from __future__ import annotations

import copy

import pytest

from tests.suppression_check import solvable
from xlpy import jobs
from xlpy.core import compute
from xlpy.core.audit import GAP, SMALL, AuditCache, audit
from xlpy.core.suppress import Ledger, computable, decide
from xlpy.report import counts
from xlpy.report.context import ended_omgangar


def _hierarchy() -> Ledger:
    """Project = four groups' Startade; an omgång = groups 2 and 3; group 4 printed (54 − 21 − 10 ... of
    issue #10's leak (b))."""
    led = Ledger()
    for g, n in (("g1", 12), ("g2", 11), ("g3", 10), ("g4", 21)):
        led.add(g, n)
    led.add("omg", 21)
    led.add("project", 54)
    led.line("omg", ["g2", "g3"])
    led.line("project", ["g1", "g2", "g3", "g4"])
    return led


def _reader(led: Ledger, hidden: set, n: int) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """What the printed report says, in the brute-force reader's terms (`–` for a hidden count)."""
    cells = {str(k): ("–" if k in hidden else str(v)) if k in led.printed else "" for k, v in led.values.items()}
    return cells, [(str(t), [str(p) for p in ps]) for t, ps in led.lines]


def test_a_hidden_count_given_away_by_two_sums_together_is_found():
    # -- 54 − 21 − 21 = 12: each sum alone has two unknowns, together one; the search before this audit
    #    left sums with an unbounded `–` out of its exact part and trusted interval reasoning there --
    led = _hierarchy()
    hidden = {"g1", "g2", "g3"}
    assert computable(led, hidden, 5) == ["g1"]
    cells, sums = _reader(led, hidden, 5)
    assert solvable(cells, sums, 5, 54) == {"g1"}
    # -- hiding group 4 too leaves every hidden count more than one value, and both readers agree --
    assert computable(led, hidden | {"g4"}, 5) == []
    cells, sums = _reader(led, hidden | {"g4"}, 5)
    assert solvable(cells, sums, 5, 54) == set()


def test_decide_hides_a_second_cell_where_two_sums_together_give_one_away():
    led = _hierarchy()
    led.add("g1_small", 3)
    led.add("g1_rest", 9)
    led.line("g1", ["g1_small", "g1_rest"])
    d = decide(led, 5)
    hidden = {k for k in led.printed if d.hidden(k)}
    cells, sums = _reader(led, hidden, 5)
    for k in hidden:
        if d.state(k) == "small":
            cells[str(k)] = "<5"
    assert solvable(cells, sums, 5, 54) == set()


def test_a_gap_entry_is_never_one_to_n_minus_one():
    # -- x + y = 6 with x `<5` and y `–`: y cannot be 1..4, so y = 5 or 6 would need x = 1 or 0; only
    #    x = 1, y = 5 fits: both are computable --
    values = {"t": 6, "x": 1, "y": 5}
    found = audit(values, [("t", ("x", "y"))], {"x": SMALL, "y": GAP}, ["x", "y"], 5)
    assert found == ["x", "y"]
    # -- with t = 9: x 1..4 and y = 9 − x >= 5: four completions, nothing computable --
    values = {"t": 9, "x": 4, "y": 5}
    assert audit(values, [("t", ("x", "y"))], {"x": SMALL, "y": GAP}, ["x", "y"], 5) == []


def test_a_deep_chain_of_sums_is_audited_without_recursion():
    # -- 3 000 nested sums (x_i = x_{i+1} + y_i): the old depth-first search recursed once per entry --
    led = Ledger()
    depth = 3000
    for i in range(depth + 1):
        led.add(("x", i), 7 * (depth + 1 - i), printed=i in (0, depth))
        led.add(("y", i), 7)
    for i in range(depth):
        led.line(("x", i), [("x", i + 1), ("y", i)])
    hidden = {("y", 5), ("y", 6)}
    assert computable(led, hidden, 5, cache=AuditCache()) == []
    assert computable(led, {("y", 5)}, 5) == [("y", 5)]


def test_verdicts_are_cached_per_system():
    led = _hierarchy()
    cache = AuditCache()
    computable(led, {"g1", "g2", "g3", "g4"}, 5, cache=cache)
    solves = cache.solves
    assert solves > 0
    computable(led, {"g1", "g2", "g3", "g4"}, 5, cache=cache)
    assert cache.solves == solves


@pytest.fixture(scope="module")
def example() -> dict:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


@pytest.mark.parametrize("n_min", [3, 5, 8])
def test_report_startade_over_project_omgangar_and_groups_give_nothing_away(example, n_min):
    """Issue #10 leak (b) on the whole report's ledger: every Startade the report prints (project, omgångar,
    groups) and the sums between them, read by the independent brute-force reader."""
    r = copy.deepcopy(example)
    r["parameters"]["min_count"] = n_min
    ended = ended_omgangar(r)
    metrics = [g["metric"] for g in r.get("goals", []) if g.get("active", True)]
    units = {("group", g) for g in r["levels"]["group"]} | {("omgang", o["key"]) for o in ended}
    led = counts.report_ledger(r, ended, metrics, units)
    d = decide(led, n_min)
    keys = [k for k in led.values if k[0] == "started"]
    cells = {}
    for k in keys:
        cells[str(k)] = d.text(k) if k in led.printed else ""
    sums = [(str(t), [str(p) for p in ps]) for t, ps in led.lines
            if t[0] == "started" and all(p[0] == "started" for p in ps)]
    cap = int(r["levels"]["project"]["all"]["counts"]["started"])
    assert solvable(cells, sums, n_min, cap) == set()
