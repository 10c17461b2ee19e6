"""Small-number suppression for tables a steering group reads (Inställningar: Minsta redovisade antal).

With groups of 5–12 people a count of 1 or 2 can point at a person. A count below the threshold is shown
as `<N` (primary suppression); wherever a row or column total is shown, a lone hidden cell could be worked
out from the total, so a second cell of that row or column is hidden too (secondary suppression), and any
share computed from a hidden count is hidden with it. Zero is shown: it reveals nobody.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlpy import fmt


def suppression_mask(table: Sequence[Sequence[int]], min_count: int, row_totals: bool = True,
                     col_totals: bool = True) -> list[list[bool]]:
    """Which cells of a table of counts to hide. `min_count` 0 or 1 hides nothing.

    Primary: 0 < n < min_count. Secondary: while some row (when its total is shown) or column (when its
    total is shown) has exactly one hidden cell, also hide its smallest visible non-zero cell; repeated
    until stable, so no shown total gives a hidden cell away.
    """
    mask = [[0 < int(n) < min_count for n in row] for row in table]
    if min_count <= 1:
        return mask
    changed = True
    while changed:
        changed = False
        lines: list[list[tuple[int, int]]] = []
        if row_totals:
            lines += [[(i, j) for j in range(len(row))] for i, row in enumerate(table)]
        if col_totals and table:
            lines += [[(i, j) for i in range(len(table))] for j in range(len(table[0]))]
        for line in lines:
            hidden = [c for c in line if mask[c[0]][c[1]]]
            if len(hidden) != 1:
                continue
            visible = [c for c in line if not mask[c[0]][c[1]] and int(table[c[0]][c[1]]) > 0]
            if visible:
                i, j = min(visible, key=lambda c: (int(table[c[0]][c[1]]), c))
                mask[i][j] = True
                changed = True
    return mask


def count_text(n: int, hidden: bool, min_count: int) -> str:
    """A count as shown: `<5` when hidden, else the number in Swedish form (`1 204`)."""
    return f"<{min_count}" if hidden else fmt.number(int(n))


def total_hidden(parts: Sequence[int], min_count: int) -> bool:
    """Whether a total itself must be hidden: it is small enough to point at people."""
    return 0 < sum(int(p) for p in parts) < min_count


def suppression_mask_lines(values: Sequence[int], lines: Sequence[Sequence[int]], min_count: int) -> list[bool]:
    """Which of `values` to hide when they are tied together by `lines`: each line is a set of indices
    whose members add up (a total and its parts, e.g. a subtotal row's cell and its groups' cells), so a
    lone hidden member of a line could be worked out from the others. Same rule as suppression_mask:
    hide 0 < n < min_count, then, while some line has exactly one hidden member, also hide its smallest
    visible non-zero member. `min_count` 0 or 1 hides nothing."""
    mask = [0 < int(n) < min_count for n in values]
    if min_count <= 1:
        return [False] * len(values)
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [i for i in line if mask[i]]
            if len(hidden) != 1:
                continue
            visible = [i for i in line if not mask[i] and int(values[i]) > 0]
            if visible:
                mask[min(visible, key=lambda i: (int(values[i]), i))] = True
                changed = True
    return mask
