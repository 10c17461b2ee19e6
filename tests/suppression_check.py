"""An independent, brute-force check of printed tables of counts (no code shared with xlpy.core.suppress).

A table is rows of printed cells ("12", "<5", "–", or "" when the cell is not printed) plus the sums that
hold between them. For every hidden cell it enumerates every whole-number completion of the table that
agrees with what is printed (`<N` = 1..N−1, `–` = 0 or >= N, a number = itself) and says which hidden
cells have only one possible value: those a reader could compute.
"""

from __future__ import annotations

from collections.abc import Sequence


def domain(text: str, n_min: int, cap: int) -> list[int]:
    t = text.replace("\u00a0", "").replace(" ", "")
    if t.startswith("<"):
        return list(range(1, int(t[1:])))
    if t in ("–", ".."):  # -- hidden: says nothing about its value (the checker reads `–` as weakly as `..`) --
        return list(range(cap + 1))
    if t == "":
        return list(range(cap + 1))
    return [int(t)]


def solvable(cells: dict[str, str], sums: Sequence[tuple[str, Sequence[str]]], n_min: int, cap: int) -> set[str]:
    """Names of hidden cells with exactly one feasible value. cells: name -> printed text; sums: (total,
    parts). Enumerates by sums, so it stays small for report tables (at most a few groups)."""
    doms = {k: domain(v, n_min, cap) for k, v in cells.items()}
    free = [k for k, d in doms.items() if len(d) > 1]
    seen: dict[str, set[int]] = {k: set() for k in free}

    def ok(val: dict[str, int], final: bool) -> bool:
        for t, ps in sums:
            ks = (t, *ps)
            if all(k in val for k in ks):
                if val[t] != sum(val[p] for p in ps):
                    return False
            elif not final:
                # -- the parts' least and greatest sum against the total's range, both ways --
                lo = sum(min(doms[p]) if p not in val else val[p] for p in ps)
                hi = sum(max(doms[p]) if p not in val else val[p] for p in ps)
                lo_t = val[t] if t in val else min(doms[t])
                hi_t = val[t] if t in val else max(doms[t])
                if lo > hi_t or hi < lo_t:
                    return False
        return True

    fixed = {k: d[0] for k, d in doms.items() if len(d) == 1}

    def rec(i: int, val: dict[str, int]) -> None:
        if i == len(free):
            if ok(val, True):
                for k in free:
                    seen[k].add(val[k])
            return
        k = free[i]
        for v in doms[k]:
            val[k] = v
            if ok(val, False):
                rec(i + 1, val)
            del val[k]
        if all(len(s) >= 2 for s in seen.values()):
            return

    rec(0, dict(fixed))
    # -- only printed hidden cells count; a cell the table never prints is not a leak --
    return {k for k, s in seen.items() if len(s) == 1 and cells[k] != ""}


def grid(rows: Sequence[Sequence[str]], row_totals: Sequence[str], col_totals: Sequence[str], grand: str
         ) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """Cells and sums of a plain printed table with its row totals, column totals and grand total."""
    cells: dict[str, str] = {}
    sums: list[tuple[str, list[str]]] = []
    for i, r in enumerate(rows):
        for j, x in enumerate(r):
            cells[f"{i},{j}"] = x
        cells[f"r{i}"] = row_totals[i]
        sums.append((f"r{i}", [f"{i},{j}" for j in range(len(r))]))
    ncol = len(rows[0])
    for j in range(ncol):
        cells[f"c{j}"] = col_totals[j]
        sums.append((f"c{j}", [f"{i},{j}" for i in range(len(rows))]))
    cells["all"] = grand
    sums.append(("all", [f"r{i}" for i in range(len(rows))]))
    sums.append(("all", [f"c{j}" for j in range(ncol)]))
    return cells, sums


def truthful(text: str, value: int, n_min: int) -> bool:
    """Whether a printed count is true of `value`: the number itself, `<N` for 1..N−1; `–` claims nothing
    (hidden), except that a secondary `–` is never a cell that `<N` describes: the caller checks that
    with the decision's states."""
    t = text.replace("\u00a0", "").replace(" ", "")
    if t.startswith("<"):
        return int(t[1:]) == n_min and 0 < value < n_min
    if t in ("–", ".."):
        return True
    return int(t) == value


