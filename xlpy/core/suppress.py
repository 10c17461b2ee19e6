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


def hide_in_equations(values: Mapping[K, int], equations: Sequence[tuple[K, Sequence[K]]],
                      min_count: int) -> tuple[set[K], set[K]]:
    """Which cells to hide where printed cells are tied by sums (`total = sum(parts)`), e.g. a unit's
    outcomes adding up to its participants, or groups adding up to their municipality.

    Returns (hidden, primary): primary are the counts 0 < n < min_count (printed `<N`); the rest of
    `hidden` is hidden only to protect them (printed `–`). Cells are hidden until no hidden count can
    be worked out from the printed ones through the equations, alone or combined (a rank test).
    `min_count` 0 or 1 hides nothing.
    """
    if min_count <= 1:
        return set(), set()
    primary = {k for k, v in values.items() if 0 < int(v) < min_count}
    hidden = set(primary)
    while True:
        revealed = computable_cells(values, equations, hidden)
        if not revealed:
            return hidden, primary
        # -- hide the smallest printed non-zero cell of an equation that holds a revealed one; a total
        #    is hidden only when no part can be (the parts are all zero or hidden) --
        options = []
        for total, parts in equations:
            members = [total, *parts]
            if not revealed.intersection(members):
                continue
            options += [(0, int(values[c]), repr(c), c) for c in parts if c not in hidden and int(values[c]) > 0]
            if total not in hidden and int(values[total]) > 0:
                options.append((1, int(values[total]), repr(total), total))
        if not options:
            # -- revealed only by combining equations further away: hide the printed cell, of those tied
            #    to a hidden one, that makes fewest counts computable (every step hides one more cell, so
            #    this ends; at worst everything tied to a small count is hidden) --
            near = {c for total, parts in equations if hidden.intersection([total, *parts])
                    for c in [total, *parts] if c not in hidden and int(values[c]) > 0}
            if not near:
                return hidden, primary
            scored = sorted((len(computable_cells(values, equations, hidden | {c})), int(values[c]), repr(c), c)
                            for c in near)
            options = [(0, 0, "", scored[0][3])]
        hidden.add(min(options)[3])


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
    _, sv, vt = np.linalg.svd(a)
    rank = int((sv > 1e-9 * max(a.shape)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(unknown)
    return {c for c, j in col.items() if np.abs(null[:, j]).max() < 1e-9}
