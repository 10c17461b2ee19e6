"""The choice of secondary cells: the fewest extra counts to hide so that one leaking count gets a second
possible value (used by xlpy/core/suppress.py, `decide`).

A leak is a hidden count the audit (xlpy/core/audit.py) finds computable from what is printed. `protect`
asks an integer program (HiGHS, as the audit) for the cheapest set of actions after which a reader's
alternative exists: a completion of the sums in which the leak has another value, every printed count keeps
its value, every `<N` stays 1..N−1 and every `–` stays 0 or at least N, except where the program chooses to

- hide a printed count (it then prints `–`, so it may take 0 or any value of at least N), or
- withhold a hidden one, or hide and withhold a printed one (its `–` then says nothing about its value):
  the last resort where even `<N` or `–` says too much (two people split 1 + 1 under a `<3` total).

Hiding costs one cell each (a little more for a total, for a zero and for a large count, so parts and small
counts go first); withholding costs four cells. The program sees the sums within a few steps of the leak
(`radius`); `decide` audits the whole ledger again afterwards and widens the radius when that was too
narrow, so the leak check, not this choice, is what makes the report safe. Deterministic: one thread, a
fixed seed, a node limit instead of a time limit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from xlpy.core.audit import Relation

Key = Hashable
Line = tuple[Key, tuple[Key, ...]]

# -- costs of one action, in "cells": the program minimises their sum --
HIDE_COST = 10.0
TOTAL_EXTRA = 3.0
ZERO_EXTRA = 6.0
WITHHOLD_COST = 40.0
# -- a whole-number program of a report's neighbourhood solves in a few hundred nodes; the limit only
#    keeps a pathological one from running on (the best choice found so far is then taken) --
NODE_LIMIT = 5000
# -- a choice within this fraction of the cheapest is taken (one cell costs about a tenth of a typical
#    choice of 4–8 cells: the program stops once it cannot save a whole cell) --
REL_GAP = 0.0


@dataclass(frozen=True)
class Choice:
    """What to do for one leak: counts to hide (printed `–`) and hidden counts to withhold."""

    hide: frozenset[Key]
    withhold: frozenset[Key]


def links_of(lines: Sequence[Line], relations: Sequence[Relation]) -> list[Line]:
    """The sums, then each relation's entries in the same (first, rest) form: what ties counts together for
    a reader, in the index `decide` builds (`through`)."""
    return [*lines, *((r.terms[0][0], tuple(k for k, _ in r.terms[1:])) for r in relations)]


def neighbourhood(lines: Sequence[Line], through: Mapping[Key, Sequence[int]], leak: Key, radius: int,
                  max_parts: int | None = None) -> tuple[set[Key], list[int]]:
    """The entries within `radius` steps of sums from `leak` (a step: from an entry to every member of a
    sum through it, only through sums of at most `max_parts` parts when given), and the indices of the
    sums that touch them."""
    keys = {leak}
    frontier = {leak}
    for _ in range(radius):
        nxt: set[Key] = set()
        for k in frontier:
            for i in through.get(k, ()):
                t, ps = lines[i]
                if max_parts is None or len(ps) <= max_parts:
                    nxt.update(e for e in (t, *ps) if e not in keys)
        if not nxt:
            break
        keys |= nxt
        frontier = nxt
    ids = sorted({i for k in keys for i in through.get(k, ())})
    return keys, ids


def protect(values: Mapping[Key, int], lines: Sequence[Line], through: Mapping[Key, Sequence[int]],
            printed: set[Key], hidden: set[Key], withheld: set[Key], totals: set[Key], leak: Key,
            min_count: int, radius: int, max_parts: int | None = None,
            relations: Sequence[Relation] = ()) -> Choice | None:
    """The cheapest actions (see the module docstring) that give `leak` a second value in the sums within
    `radius` steps of it (through sums of at most `max_parts` parts when given; every sum touching those
    entries holds in the program); None when the program finds no such choice there.

    values: every entry's true count. printed: the entries the report prints; hidden: those it hides
    (`<N` or `–`), withheld among them. totals: entries that are the total of some sum (hiding one costs a
    little more). min_count: N. relations: what printed words say about the counts (xlpy/core/audit.py,
    `Relation`); they link counts as the sums do and hold in the program too. through: entry -> the
    indices of `links_of(lines, relations)` through it."""
    import highspy
    import numpy as np

    from xlpy.core.audit import _highs, line_terms, relation_rows, two_sided

    n_min = int(min_count)
    # -- the sums and the relations (through index len(lines) + i) are both ways a reader links counts --
    links = links_of(lines, relations)
    area, link_ids = neighbourhood(links, through, leak, radius, max_parts)
    line_ids = [i for i in link_ids if i < len(lines)]
    rel_ids = [i - len(lines) for i in link_ids if i >= len(lines)]
    # -- the model's entries: the area, and the unknown entries its sums reach (variables without actions);
    #    printed entries outside the area are constants --
    cols: list[Key] = [leak]
    for i in link_ids:
        t, ps = links[i]
        for k in (t, *ps):
            if k in area or k in hidden or k not in printed:
                cols.append(k)
    cols = sorted(set(cols), key=repr)
    pos = {k: j for j, k in enumerate(cols)}
    reach = 2 * n_min + 2
    lo = [float(max(0, int(values[k]) - reach)) for k in cols]
    hi = [float(int(values[k]) + reach) for k in cols]

    names: list[str] = []  # -- per extra (binary) column: its role, for reading the solution --
    extra_lo: list[float] = []
    extra_hi: list[float] = []
    cost: list[float] = []
    act_of: dict[int, tuple[str, Key]] = {}
    rows: list[tuple[float, float, list[tuple[int, float]]]] = []

    def new_binary(c: float, role: str = "", key: Key = None) -> int:
        j = len(cols) + len(names)
        names.append(role)
        extra_lo.append(0.0)
        extra_hi.append(1.0)
        cost.append(c)
        if role:
            act_of[j] = (role, key)
        return j

    inf = highspy.kHighsInf
    for k, j in pos.items():
        v = int(values[k])
        span = hi[j] - lo[j] + 1
        state_free = k not in printed or k in withheld
        if state_free:
            continue
        if k not in hidden:
            if k not in area:
                lo[j] = hi[j] = float(v)  # -- unreachable here: only a printed entry of the area is a column --
                continue
            c = HIDE_COST + (TOTAL_EXTRA if k in totals else 0.0) + (ZERO_EXTRA if v == 0 else min(v, 100) / 100)
            s = new_binary(c, "hide", k)
            # -- or hidden and withheld at once (where the reader's `0 or at least N` would still pin a count) --
            sw = new_binary(c + WITHHOLD_COST, "hide+withhold", k)
            # -- |x − v| <= span·(s + sw): the printed value unless hidden --
            rows.append((-inf, float(v), [(j, 1.0), (s, -span), (sw, -span)]))
            rows.append((float(v), inf, [(j, 1.0), (s, span), (sw, span)]))
            g = new_binary(0.0)
            # -- its value is 0 or at least N (a printed count that is not small is so) unless withheld --
            rows.append((0.0, inf, [(j, 1.0), (g, -float(n_min)), (sw, float(n_min))]))
            rows.append((-inf, 0.0, [(j, 1.0), (g, -hi[j]), (sw, -hi[j])]))
            continue
        w = new_binary(WITHHOLD_COST, "withhold", k) if k in area else None
        if 0 < v < n_min:
            # -- `<N`: 1..N−1 unless withheld --
            lo[j], hi[j] = 0.0, max(hi[j], float(n_min - 1))
            terms = [(j, 1.0)] + ([(w, 1.0)] if w is not None else [])
            rows.append((1.0, inf, terms))
            terms = [(j, 1.0)] + ([(w, -hi[j])] if w is not None else [])
            rows.append((-inf, float(n_min - 1), terms))
        else:
            # -- `–`: 0 or at least N unless withheld --
            g = new_binary(0.0)
            terms = [(j, 1.0), (g, -float(n_min))] + ([(w, float(n_min))] if w is not None else [])
            rows.append((0.0, inf, terms))
            terms = [(j, 1.0), (g, -hi[j])] + ([(w, -hi[j])] if w is not None else [])
            rows.append((-inf, 0.0, terms))
    # -- the leak takes another value: above (d = 0) or below (d = 1) its true one --
    jl = pos[leak]
    vl = int(values[leak])
    big = hi[jl] - lo[jl] + 2
    d = new_binary(0.0)
    rows.append((float(vl + 1) - big, inf, [(jl, 1.0), (d, -big)]))  # x >= v+1 − big·d
    rows.append((-inf, float(vl - 1), [(jl, 1.0), (d, -big)]))  # x <= v−1 + big·d
    for i in line_ids:
        rhs, line = line_terms(lines[i], pos, values)
        if line:
            rows.append((float(rhs), float(rhs), [(j, float(c)) for j, c in line]))
    cap = max(hi) if hi else 0.0
    for rel in (relations[i] for i in rel_ids):
        rows += relation_rows(rel, pos, values, new_binary(0.0) if two_sided(rel) else None, cap, inf)
    h = _highs()
    h.setOptionValue("mip_rel_gap", REL_GAP)
    h.setOptionValue("mip_max_nodes", NODE_LIMIT)
    ncol = len(cols) + len(names)
    h.addVars(ncol, np.array(lo + extra_lo), np.array(hi + extra_hi))
    h.changeColsIntegrality(ncol, np.arange(ncol, dtype=np.int32), np.ones(ncol, dtype=np.uint8))
    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), np.array([0.0] * len(cols) + cost))
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    rlo: list[float] = []
    rhi: list[float] = []
    for row_lo, row_hi, terms in rows:
        starts.append(len(index))
        index += [j for j, _ in terms]
        value += [c for _, c in terms]
        rlo.append(row_lo)
        rhi.append(row_hi)
    h.addRows(len(starts), np.array(rlo), np.array(rhi), len(index), np.array(starts, dtype=np.int32),
              np.array(index, dtype=np.int32), np.array(value))
    h.run()
    if h.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    x = list(h.getSolution().col_value)
    hide = {k for j, (role, k) in act_of.items() if role in ("hide", "hide+withhold") and x[j] > 0.5}
    withhold = {k for j, (role, k) in act_of.items() if role in ("withhold", "hide+withhold") and x[j] > 0.5}
    return Choice(frozenset(hide), frozenset(withhold))
