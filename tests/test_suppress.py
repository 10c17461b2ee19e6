"""Small-number suppression: counts below Minsta redovisade antal are hidden, and so is a second cell
wherever a shown total would give the hidden one away."""

from __future__ import annotations

import pytest

from xlpy.core.suppress import (
    SMALL,
    computable,
    count_text,
    decide,
    suppression_mask,
    table_ledger,
    total_hidden,
)


def hidden_cells(mask):
    return {(i, j) for i, row in enumerate(mask) for j, h in enumerate(row) if h}


def test_threshold_zero_hides_nothing():
    assert hidden_cells(suppression_mask([[1, 2], [3, 0]], 0)) == set()


def test_small_count_is_hidden_and_a_second_cell_in_its_row_and_column():
    # Klippan: Studier 2, Arbete 5, Planering 3, Annat 1; Perstorp: 2, 1, 7, 0
    table = [[2, 5, 3, 1], [2, 1, 7, 0]]
    led = table_ledger(table)
    d = decide(led, 5)
    hidden = {k for k in led.printed if d.hidden(k)}
    assert {(0, 0), (0, 2), (0, 3), (1, 0), (1, 1)} <= hidden
    # -- no sum (row, column, with its printed total) has exactly one unknown entry --
    for total, parts in led.lines:
        assert sum(1 for k in (total, *parts) if k in hidden or k not in led.printed) != 1
    assert computable(led, hidden, 5) == []
    # -- a secondary cell is never printed `<5` when its true value is 5 or more --
    for k in hidden:
        assert (d.state(k) == SMALL) == (0 < led.values[k] < 5)


def test_lone_small_cell_forces_the_smallest_other_nonzero_cell():
    mask = suppression_mask([[8, 2, 9]], 3, col_totals=False)
    assert hidden_cells(mask) == {(0, 1), (0, 0)}


def test_zero_is_shown_and_never_chosen_as_the_second_cell():
    mask = suppression_mask([[0, 2, 9]], 3, col_totals=False)
    assert hidden_cells(mask) == {(0, 1), (0, 2)}


@pytest.mark.parametrize(("n", "hidden", "text"), [(3, True, "<5"), (7, False, "7"), (0, False, "0")])
def test_count_text(n, hidden, text):
    assert count_text(n, hidden, 5) == text


def test_small_total_is_itself_hidden():
    assert total_hidden([1, 1], 5) and not total_hidden([3, 4], 5) and not total_hidden([0, 0], 5)


def test_a_shown_count_is_in_swedish_form():
    assert count_text(1204, False, 5).replace("\u00a0", " ") == "1 204"
