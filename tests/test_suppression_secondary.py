"""The choice of secondary cells (xlpy/core/secondary.py, used by suppress.decide): safe, and no dearer than
needed.

Safety is the audit's (tests/test_suppression_audit.py checks the audit against a brute force); here: for
small tables with one small count, the decision's cells cost no more than the cheapest safe choice found by
trying every set of cells; and the last resort (withholding) stays where it is needed instead of spreading
over every count tied to it, as the former greedy choice did.
"""

from __future__ import annotations

import itertools
import random

import pytest

from xlpy.core import secondary
from xlpy.core.suppress import PROTECTED, SMALL, WITHHELD, Ledger, computable, decide, table_ledger


def _cost(led: Ledger, keys: set, totals: set) -> float:
    """The price of hiding `keys`, as xlpy/core/secondary.py counts it."""
    out = 0.0
    for k in keys:
        v = led.values[k]
        out += secondary.HIDE_COST + (secondary.TOTAL_EXTRA if k in totals else 0.0) + (
            secondary.ZERO_EXTRA if v == 0 else min(v, 100) / 100)
    return out


def _table(rng: random.Random, n_min: int) -> list[list[int]]:
    """A 2 × 3 table of counts with exactly one small cell (the others 0 or at least N)."""
    while True:
        rows = [[rng.choice([0, n_min, n_min + 1, n_min + 3, 2 * n_min + 1, 12]) for _ in range(3)] for _ in range(2)]
        i, j = rng.randrange(2), rng.randrange(3)
        rows[i][j] = rng.randrange(1, n_min)
        # -- totals small as well would make several primaries; this test is about one --
        led = table_ledger(rows)
        if sum(1 for v in led.values.values() if 0 < v < n_min) == 1:
            return rows


@pytest.mark.parametrize("seed", range(12))
def test_one_small_count_gets_the_cheapest_safe_secondary_cells(seed: int) -> None:
    n_min = 5
    rng = random.Random(seed)
    rows = _table(rng, n_min)
    led = table_ledger(rows)
    totals = {t for t, _ in led.lines}
    d = decide(led, n_min)
    primary = {k for k, s in d.states.items() if s == SMALL}
    chosen = {k for k, s in d.states.items() if s == PROTECTED}
    assert len(primary) == 1 and not any(s == WITHHELD for s in d.states.values())
    assert not computable(led, primary | chosen, n_min)
    # -- every set of at most four other printed counts, cheapest first: the first safe one is the optimum --
    others = sorted((k for k in led.printed if k not in primary), key=repr)
    best = None
    for size in range(1, 5):
        for combo in itertools.combinations(others, size):
            c = _cost(led, set(combo), totals)
            if best is not None and c >= best:
                continue
            if not computable(led, primary | set(combo), n_min):
                best = c
    assert best is not None, rows
    assert _cost(led, chosen, totals) <= best + 1e-9, (rows, sorted(chosen, key=repr))


def test_withholding_stays_where_even_a_small_count_says_too_much() -> None:
    """Two people split 1 + 1 under a `<3` total: one count of that sum is withheld (and what protects it
    is hidden); the sums further along keep their numbers. The former greedy choice withheld every count
    tied to the leak, and again one step further while leaks remained."""
    led = Ledger()
    for k, v in {"a": 1, "b": 1, "T": 2, "U": 10, "G": 12, "V": 7, "H": 17, "W": 9, "J": 16}.items():
        led.add(k, v)
    led.line("T", ["a", "b"])
    led.line("G", ["T", "U"])
    led.line("H", ["U", "V"])
    led.line("J", ["V", "W"])
    d = decide(led, 3)
    withheld = [k for k, s in d.states.items() if s == WITHHELD]
    assert len(withheld) == 1 and withheld[0] in ("a", "b", "T"), d.states
    assert not computable(led, set(d.states), 3, frozenset(withheld))
    assert all(d.state(k) == "shown" for k in ("H", "V", "W", "J")), d.states
    assert sum(1 for s in d.states.values() if s == PROTECTED) <= 2


def test_a_lone_count_at_threshold_two_is_withheld() -> None:
    """`<2` can only be 1: the count prints `..`, saying nothing, instead of a `<2` that gives it away (and
    not `–`, which a reader may take as "0 or at least 2")."""
    led = Ledger()
    led.add("x", 1)
    d = decide(led, 2)
    assert d.state("x") == WITHHELD and d.text("x") == ".."


def test_decide_never_fails_when_the_program_finds_no_protection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort: every printed count linked to the leak is withheld, rather than an error (no report)."""
    from xlpy.core import suppress

    monkeypatch.setattr(suppress, "protect", lambda *a, **k: None)
    led = table_ledger([[3, 10], [10, 20]])
    d = decide(led, 5)
    withheld = frozenset(k for k, s in d.states.items() if s == WITHHELD)
    assert withheld and not computable(led, set(d.states), 5, withheld)
    assert d.state((0, 0)) == WITHHELD and d.text((0, 0)) == ".."


def test_a_withheld_count_reads_dot_dot_in_the_report_with_its_note(tmp_path) -> None:
    """At 2 every `<2` would be a 1: those counts print `..` (never `–`, which says "0 or at least 2"), and
    the note says what `..` means."""
    from docx import Document

    from xlpy import jobs
    from xlpy.core.compute import compute
    from xlpy.report.render import render_report

    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    results["parameters"]["min_count"] = 2
    doc = Document(str(render_report(results, tmp_path / "r.docx")))
    cells = [c.text.strip() for t in doc.tables for row in t.rows for c in row.cells]
    text = " ".join(p.text for p in doc.paragraphs) + " ".join(cells)
    assert ".." in cells and "<2" not in cells
    assert ".. = dolt, eftersom även <2 skulle avslöja antalet." in text
