"""Small-number suppression for tables a steering group reads (Inställningar: Minsta redovisade antal).

With groups of 5–12 people a count of 1 or 2 can point at a person. A count below the threshold is shown
as `<N` (primary suppression); wherever a row or column total is shown, a lone hidden cell could be worked
out from the total, so a second cell of that row or column is hidden too (secondary suppression), and any
share computed from a hidden count is hidden with it. Zero is shown: it reveals nobody.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from xlpy import fmt

K = TypeVar("K", bound=Hashable)


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


def hide_in_equations(values: Mapping[K, int], equations: Sequence[tuple[K, Sequence[K]]],
                      min_count: int, exact_check_limit: int = 400) -> tuple[set[K], set[K]]:
    """Which cells to hide where printed cells are tied by sums (`total = sum(parts)`), e.g. a unit's
    outcomes adding up to its participants, or groups adding up to their municipality.

    Returns (hidden, primary): primary are the counts 0 < n < min_count (printed `<N`); the rest of
    `hidden` is hidden only to protect them (printed `–`). First, while an equation holds exactly one
    hidden cell, the smallest printed non-zero part of it is hidden too (its total when every part is
    zero or hidden). Then, while there are at most `exact_check_limit` hidden cells, an exact test
    (computable_cells) looks for counts that combinations of equations still reveal, and hides next to
    them. `min_count` 0 or 1 hides nothing.
    """
    if min_count <= 1:
        return set(), set()
    primary = {k for k, v in values.items() if 0 < int(v) < min_count}
    hidden = set(primary)
    by_cell: dict[K, list[int]] = {}
    for i, (total, parts) in enumerate(equations):
        for c in (total, *parts):
            by_cell.setdefault(c, []).append(i)

    def protect(pending: set[int]) -> None:
        while pending:
            i = pending.pop()
            total, parts = equations[i]
            members = (total, *parts)
            if sum(1 for c in members if c in hidden) != 1:
                continue
            pick = _second_cell(values, total, parts, hidden)
            if pick is None:
                continue  # -- the rest is printed zeros: the hidden one is 0 too, which nobody hides --
            hidden.add(pick)
            pending.update(by_cell.get(pick, ()))

    protect(set(range(len(equations))))
    for _ in range(50):  # -- each round hides at least one more cell; far more rounds than ever needed --
        if len(hidden) > exact_check_limit:
            break
        revealed = computable_cells(values, equations, hidden)
        if not revealed:
            break
        picks = {p for p in (_near_pick(values, equations, by_cell, hidden, c) for c in sorted(revealed, key=repr))
                 if p is not None}
        if not picks:
            break
        for pick in picks:
            hidden.add(pick)
        protect({i for pick in picks for i in by_cell.get(pick, ())})
    return hidden, primary


def _near_pick(values: Mapping[K, int], equations: Sequence[tuple[K, Sequence[K]]], by_cell: dict[K, list[int]],
               hidden: set[K], cell: K) -> K | None:
    """A printed non-zero cell to hide near `cell`, which combinations of equations reveal: the smallest
    part of an equation holding it, else of the equations one step further, and so on (totals last)."""
    seen_eqs: set[int] = set()
    frontier = {cell}
    while frontier:
        eqs = {i for c in frontier for i in by_cell.get(c, ())} - seen_eqs
        if not eqs:
            return None
        seen_eqs |= eqs
        totals = {equations[i][0] for i in eqs}
        options = [c for i in eqs for c in (equations[i][0], *equations[i][1])
                   if c not in hidden and int(values[c]) > 0]
        if options:
            return min(options, key=lambda c: (c in totals, int(values[c]), repr(c)))
        frontier = {c for i in eqs for c in (equations[i][0], *equations[i][1])}
    return None


def _second_cell(values: Mapping[K, int], total: K, parts: Sequence[K], hidden: set[K]) -> K | None:
    """The cell to hide beside an equation's lone hidden one: its smallest printed non-zero part, else
    its total (when that is printed and not zero)."""
    options = [c for c in parts if c not in hidden and int(values[c]) > 0]
    if options:
        return min(options, key=lambda c: (int(values[c]), repr(c)))
    if total not in hidden and int(values[total]) > 0:
        return total
    return None


def computable_cells(values: Mapping[K, int], equations: Sequence[tuple[K, Sequence[K]]],
                     hidden: set[K]) -> set[K]:
    """The hidden cells whose value follows from the printed cells and the equations (`total =
    sum(parts)`), alone or combined: cell i is determined exactly when its unit vector lies in the row
    space of the equations restricted to the hidden cells."""
    import numpy as np

    unknown = sorted((c for c in hidden if c in values), key=repr)
    if not unknown:
        return set()
    col = {c: j for j, c in enumerate(unknown)}
    rows = []
    for total, parts in equations:
        row = np.zeros(len(unknown))
        if total in col:
            row[col[total]] += 1
        for p in parts:
            if p in col:
                row[col[p]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    # -- x is known up to the null space of a: cell j is determined exactly when every null-space
    #    vector is zero in j (one SVD instead of a rank test per cell) --
    _, sv, vt = np.linalg.svd(a, full_matrices=a.shape[0] < a.shape[1])
    rank = int((sv > 1e-9 * max(a.shape)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(unknown)
    return {c for c, j in col.items() if np.abs(null[:, j]).max() < 1e-9}
